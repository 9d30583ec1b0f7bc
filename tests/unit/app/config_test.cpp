#include "app/config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

#include "app/component_app.hpp"

namespace app {
namespace {

// Runs parse_config over a command line given as strings (argv[0] is added).
ConfigResult run(std::initializer_list<std::string> args, const char* env_secret = nullptr) {
  std::vector<std::string> storage{"muc-component"};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  return parse_config(static_cast<int>(storage.size()), argv.data(), env_secret);
}

Config ok(const ConfigResult& r) {
  if (const auto* exit = std::get_if<ConfigExit>(&r)) {
    ADD_FAILURE() << "unexpected exit " << exit->code << ": " << exit->message;
    return Config{};
  }
  return std::get<Config>(r);
}

// Expects exit code 2 with a one-line message containing `needle`.
void expect_error(const ConfigResult& r, const std::string& needle) {
  const auto* exit = std::get_if<ConfigExit>(&r);
  ASSERT_NE(exit, nullptr) << "expected an error mentioning " << needle;
  EXPECT_EQ(exit->code, 2);
  EXPECT_NE(exit->message.find(needle), std::string::npos) << exit->message;
  EXPECT_EQ(exit->message.find('\n'), std::string::npos) << exit->message;
  EXPECT_FALSE(exit->message.empty());
}

// A TOML file in a fresh temporary directory, removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    char tmpl[] = "/tmp/muc-config-test.XXXXXX";
    int fd = mkstemp(tmpl);
    EXPECT_GE(fd, 0);
    path_ = tmpl;
    std::ofstream(path_) << content;
    close(fd);
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(Config, DefaultsWithSecretFromFlag) {
  const Config c = ok(run({"--secret", "s3cret"}));
  EXPECT_EQ(c.link.host, "127.0.0.1");
  EXPECT_EQ(c.link.port, 5347);
  EXPECT_EQ(c.link.domain, "conference.localhost");
  EXPECT_EQ(c.link.secret, "s3cret");
  EXPECT_EQ(c.log_level, base::LogLevel::info);
  EXPECT_EQ(c.history_default, 20u);
  EXPECT_EQ(c.link.stall_timeout, std::chrono::seconds(60));
  EXPECT_EQ(c.limits.history_max_bytes, 256u * 1024);
  EXPECT_EQ(c.limits.max_users_presence, 1000u);
  EXPECT_EQ(c.limits.iq_relay_timeout, std::chrono::seconds(30));
  EXPECT_EQ(c.room_creation, RoomCreation::anyone);
  EXPECT_TRUE(c.db_uri.empty());
}

TEST(Config, AllFlags) {
  const Config c =
      ok(run({"--server", "xmpp.example:15347", "--domain", "MUC.Example.org", "--secret", "x",
              "--db", "postgresql://u@h/muc", "--log-level", "debug"}));
  EXPECT_EQ(c.link.host, "xmpp.example");
  EXPECT_EQ(c.link.port, 15347);
  EXPECT_EQ(c.link.domain, "muc.example.org");  // prepared
  EXPECT_EQ(c.db_uri, "postgresql://u@h/muc");
  EXPECT_EQ(c.log_level, base::LogLevel::debug);
}

TEST(Config, HelpExitsZeroAndDocumentsEverything) {
  const ConfigResult r = run({"--help"});
  const auto* exit = std::get_if<ConfigExit>(&r);
  ASSERT_NE(exit, nullptr);
  EXPECT_EQ(exit->code, 0);
  for (const char* word : {"--config",
                           "--server",
                           "--domain",
                           "--secret",
                           "--db",
                           "--log-level",
                           "MUC_SECRET",
                           "[limits]",
                           "max_stanza_bytes",
                           "max_depth",
                           "max_attributes",
                           "[service]",
                           "history_default",
                           "service_admins",
                           "room_creation",
                           "creation_domains",
                           "[link]",
                           "stall_timeout",
                           "history_max_bytes",
                           "max_users_presence",
                           "nick_max_bytes",
                           "subject_max_bytes",
                           "reason_max_bytes",
                           "presence_max_bytes",
                           "max_occupants",
                           "max_rooms",
                           "rooms_per_user_per_hour",
                           "max_waiting",
                           "max_loading",
                           "disco_items_max",
                           "registrations_per_room",
                           "pending_invitations",
                           "message_rate",
                           "message_burst",
                           "presence_rate",
                           "presence_burst",
                           "iq_relay_timeout",
                           "locked_room_timeout",
                           "voice_request_interval",
                           "tombstone_seconds"}) {
    EXPECT_NE(exit->message.find(word), std::string::npos) << word;
  }
}

TEST(Config, NegativeRateIsAnError) {
  TempFile f("[service]\nmessage_rate = -1\n");
  expect_error(run({"--secret", "s", "--config", f.path()}), "service.message_rate");
}

TEST(Config, TombstonesMayBeTurnedOffButLastAtMostAYear) {
  TempFile off("[service]\ntombstone_seconds = 0\n");
  EXPECT_EQ(ok(run({"--secret", "s", "--config", off.path()})).limits.tombstone_time.count(), 0);
  TempFile too_long("[service]\ntombstone_seconds = 31536001\n");
  expect_error(run({"--secret", "s", "--config", too_long.path()}), "service.tombstone_seconds");
  TempFile negative("[service]\nlocked_room_timeout = 0\n");
  expect_error(run({"--secret", "s", "--config", negative.path()}), "service.locked_room_timeout");
}

TEST(Config, MissingSecretIsAnError) {
  expect_error(run({}), "secret");
  expect_error(run({"--secret", ""}), "secret");
  expect_error(run({}, ""), "secret");
}

TEST(Config, SecretFromEnvironmentAndFlagWins) {
  EXPECT_EQ(ok(run({}, "from-env")).link.secret, "from-env");
  EXPECT_EQ(ok(run({"--secret", "from-flag"}, "from-env")).link.secret, "from-flag");
}

TEST(Config, ServerAddress) {
  const Config v6 = ok(run({"--secret", "s", "--server", "[::1]:5348"}));
  EXPECT_EQ(v6.link.host, "::1");
  EXPECT_EQ(v6.link.port, 5348);
  EXPECT_EQ(ok(run({"--secret", "s", "--server", "h:1"})).link.port, 1);
  EXPECT_EQ(ok(run({"--secret", "s", "--server", "h:65535"})).link.port, 65535);
  for (const char* bad :
       {"localhost", "localhost:", ":5347", "h:0", "h:65536", "h:-1", "h:12ab", "h:5347 ",
        "::1:5347", "[::1]", "[]:5347", "[::1]5347", "a b:1", "h:999999"}) {
    SCOPED_TRACE(bad);
    expect_error(run({"--secret", "s", "--server", bad}), "--server");
  }
}

TEST(Config, ParseHostPort) {
  std::string host;
  std::uint16_t port = 0;
  ASSERT_TRUE(parse_host_port("example.org:5347", host, port));
  EXPECT_EQ(host, "example.org");
  EXPECT_EQ(port, 5347);
  EXPECT_FALSE(parse_host_port("example.org:0", host, port));
}

TEST(Config, BadLogLevel) {
  expect_error(run({"--secret", "s", "--log-level", "verbose"}), "--log-level 'verbose'");
  EXPECT_EQ(ok(run({"--secret", "s", "--log-level", "error"})).log_level, base::LogLevel::error);
}

TEST(Config, InvalidDomain) {
  expect_error(run({"--secret", "s", "--domain", "bad domain"}), "--domain");
  expect_error(run({"--secret", "s", "--domain", "room@conference.localhost"}), "--domain");
  expect_error(run({"--secret", "s", "--domain", "conference.localhost/res"}), "--domain");
  expect_error(run({"--secret", "s", "--domain", ""}), "--domain");
}

TEST(Config, UnknownFlagOrStrayArgument) {
  expect_error(run({"--secret", "s", "--frobnicate"}), "--frobnicate");
  expect_error(run({"--secret", "s", "extra"}), "extra");
  expect_error(run({"--server"}), "--server");
}

TEST(Config, FileSetsEverything) {
  TempFile f(R"(
server = "10.0.0.1:5555"
domain = "Rooms.Example.net"
secret = "file-secret"
db = "postgresql:///muc"
log_level = "warn"
[limits]
max_stanza_bytes = 1000
max_depth = 5
max_attributes = 7
[link]
stall_timeout = 5
[service]
history_default = 0
history_max_bytes = 4096
max_users_presence = 0
nick_max_bytes = 64
max_rooms = 3
message_rate = 0.5
message_burst = 3
iq_relay_timeout = 7
locked_room_timeout = 60
service_admins = ["Admin@Example.net", "boss@example.net"]
room_creation = "domains"
creation_domains = ["Example.NET"]
)");
  const Config c = ok(run({"--config", f.path()}));
  EXPECT_EQ(c.link.host, "10.0.0.1");
  EXPECT_EQ(c.link.port, 5555);
  EXPECT_EQ(c.link.domain, "rooms.example.net");
  EXPECT_EQ(c.link.secret, "file-secret");
  EXPECT_EQ(c.db_uri, "postgresql:///muc");
  EXPECT_EQ(c.log_level, base::LogLevel::warn);
  EXPECT_EQ(c.link.limits.max_stanza_bytes, 1000u);
  EXPECT_EQ(c.link.limits.max_depth, 5u);
  EXPECT_EQ(c.link.limits.max_attributes, 7u);
  EXPECT_EQ(c.history_default, 0u);
  EXPECT_EQ(c.link.stall_timeout, std::chrono::seconds(5));
  EXPECT_EQ(c.limits.history_max_bytes, 4096u);
  EXPECT_EQ(c.limits.max_users_presence, 0u);
  EXPECT_EQ(c.limits.nick_max_bytes, 64u);
  EXPECT_EQ(c.limits.max_rooms, 3u);
  EXPECT_EQ(c.limits.message_rate, 0.5);
  EXPECT_EQ(c.limits.message_burst, 3.0);
  EXPECT_EQ(c.limits.subject_max_bytes, 4096u);  // untouched keys keep their defaults
  EXPECT_EQ(c.limits.iq_relay_timeout, std::chrono::seconds(7));
  EXPECT_EQ(service_config(c).limits.iq_relay_timeout, std::chrono::seconds(7));
  EXPECT_EQ(c.limits.locked_room_timeout, std::chrono::seconds(60));
  ASSERT_EQ(c.service_admins.size(), 2u);
  EXPECT_EQ(c.service_admins[0].str(), "admin@example.net");
  EXPECT_EQ(c.room_creation, RoomCreation::domains);
  EXPECT_EQ(c.creation_domains, std::vector<std::string>{"example.net"});
}

TEST(Config, FlagsOverrideFileAndEnvOverridesFileSecret) {
  TempFile f("server = \"10.0.0.1:5555\"\nsecret = \"file\"\nlog_level = \"warn\"\n");
  const Config c =
      ok(run({"--config", f.path(), "--server", "127.0.0.2:6000", "--log-level", "debug"}));
  EXPECT_EQ(c.link.host, "127.0.0.2");
  EXPECT_EQ(c.link.port, 6000);
  EXPECT_EQ(c.log_level, base::LogLevel::debug);
  EXPECT_EQ(c.link.secret, "file");
  EXPECT_EQ(ok(run({"--config", f.path()}, "env")).link.secret, "env");
  EXPECT_EQ(ok(run({"--config", f.path(), "--secret", "flag"}, "env")).link.secret, "flag");
}

TEST(Config, UnreadableFile) {
  expect_error(run({"--secret", "s", "--config", "/nonexistent/muc.toml"}),
               "cannot read config file '/nonexistent/muc.toml'");
  expect_error(run({"--secret", "s", "--config", "/tmp"}), "cannot read config file '/tmp'");
}

TEST(Config, InvalidTomlSyntaxNamesTheLine) {
  TempFile f("secret = \"s\"\nserver = \n");
  expect_error(run({"--config", f.path()}), "line 2");
}

TEST(Config, BadValuesInFile) {
  struct Case {
    const char* toml;
    const char* needle;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"server = 5347", "server: expected a string"},
           {"server = \"nope\"", "key 'server'"},
           {"domain = \"a@b\"", "key 'domain'"},
           {"log_level = \"loud\"", "key 'log_level'"},
           {"sekret = \"x\"", "sekret: unknown key"},
           {"limits = 3", "limits: expected a table"},
           {"[limits]\nmax_depth = 0", "limits.max_depth: expected an integer >= 1"},
           {"[limits]\nmax_stanza_bytes = -5", "limits.max_stanza_bytes"},
           {"[limits]\nmax_attributes = \"many\"", "limits.max_attributes"},
           {"[limits]\nmax_size = 1", "limits.max_size: unknown key"},
           {"[service]\nhistory_default = -1", "service.history_default"},
           {"[service]\nhistory_max_bytes = 0", "service.history_max_bytes"},
           {"[service]\niq_relay_timeout = 0",
            "service.iq_relay_timeout: expected an integer >= 1"},
           {"[service]\niq_relay_timeout = 86401",
            "service.iq_relay_timeout: expected an integer <= 86400"},
           {"[service]\niq_relay_timeout = \"30s\"", "service.iq_relay_timeout"},
           {"[link]\nstall_timeout = 0", "link.stall_timeout: expected an integer >= 1"},
           {"[link]\nstall = 3", "link.stall: unknown key"},
           {"[service]\nservice_admins = \"a@b\"", "service.service_admins: expected an array"},
           {"[service]\nservice_admins = [1]", "service.service_admins: expected an array"},
           {"[service]\nservice_admins = [\"a b@c\"]", "'a b@c' is not a valid bare JID"},
           {"[service]\nservice_admins = [\"a@c/r\"]", "not a valid bare JID"},
           {"[service]\nroom_creation = \"everyone\"", "service.room_creation"},
           {"[service]\ncreation_domains = [\"u@d\"]", "'u@d' is not a valid domain"},
           {"[service]\nroom_creation = \"domains\"", "creation_domains"},
           {"[service]\ncolour = \"blue\"", "service.colour: unknown key"},
       }) {
    SCOPED_TRACE(c.toml);
    TempFile f(c.toml);
    expect_error(run({"--secret", "s", "--config", f.path()}), c.needle);
  }
}

TEST(Config, RoomCreationValues) {
  for (auto [text, value] :
       {std::pair{"anyone", RoomCreation::anyone}, std::pair{"admins", RoomCreation::admins}}) {
    TempFile f(std::string("[service]\nroom_creation = \"") + text + "\"\n");
    EXPECT_EQ(ok(run({"--secret", "s", "--config", f.path()})).room_creation, value);
  }
}

}  // namespace
}  // namespace app
