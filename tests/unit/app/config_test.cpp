#include "app/config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include "app/component_app.hpp"
#include "app/config_toml.hpp"

namespace app {
namespace {

// Runs parse_config over a command line given as strings (argv[0] is added).
ConfigResult run_with(std::initializer_list<std::string> args, const Environment& env) {
  std::vector<std::string> storage{"muc-component"};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  return parse_config(static_cast<int>(storage.size()), argv.data(), env);
}

ConfigResult run(std::initializer_list<std::string> args, const char* env_secret = nullptr) {
  Environment env;
  if (env_secret != nullptr) env.emplace_back("MUC_SECRET", env_secret);
  return run_with(args, env);
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
  for (const char* word :
       {"--config", "--server", "--domain", "--secret", "--db", "--log-level", "--log-format",
        "--check-config", "MUC_SECRET", "muc-component.conf.example"}) {
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

// ---- the example file, --check-config and the environment

std::string check(const ConfigResult& r) {
  const auto* exit = std::get_if<ConfigExit>(&r);
  if (exit == nullptr || exit->code != 0) {
    ADD_FAILURE() << "expected --check-config to succeed: "
                  << (exit != nullptr ? exit->message : "no exit");
    return {};
  }
  return exit->message;
}

const std::string kExample =
    std::string(MUC_TEST_DATA_DIR) + "/../packaging/muc-component.conf.example";

TEST(Config, ExampleFileHoldsTheDefaults) {
  // Its values are the defaults: the file changes nothing that --check-config prints.
  EXPECT_EQ(check(run({"--config", kExample, "--secret", "s", "--check-config"})),
            check(run({"--secret", "s", "--check-config"})));
}

TEST(Config, ExampleFileHasEveryKeyWithAComment) {
  std::string printed = check(run({"--secret", "s", "--check-config"}));
  std::ifstream in(kExample);
  std::vector<std::string> example;
  for (std::string line; std::getline(in, line);) example.push_back(line);
  std::istringstream keys(printed);
  for (std::string line; std::getline(keys, line);) {
    if (line.empty() || line.front() == '[') continue;
    const std::string key = line.substr(0, line.find(" = ") + 3);
    auto it = std::find_if(example.begin(), example.end(),
                           [&](const std::string& e) { return e.starts_with(key); });
    ASSERT_NE(it, example.end()) << "the example has no " << key;
    ASSERT_NE(it, example.begin());
    EXPECT_TRUE(std::prev(it)->starts_with("#")) << key << " has no comment above it";
  }
}

TEST(Config, ReadmeTableHasEveryKey) {
  std::ifstream in(std::string(MUC_TEST_DATA_DIR) + "/../README.md");
  std::stringstream readme;
  readme << in.rdbuf();
  std::istringstream printed(check(run({"--secret", "s", "--check-config"})));
  std::string table;
  for (std::string line; std::getline(printed, line);) {
    if (line.empty()) continue;
    if (line.front() == '[') {
      table = line;
      continue;
    }
    const std::string key = line.substr(0, line.find(" = "));
    const std::string cell = table.empty() ? "| `" + key + "` |" : "`" + table + " " + key + "`";
    EXPECT_NE(readme.str().find(cell), std::string::npos) << "README's table lacks " << cell;
  }
}

TEST(Config, CheckConfigPrintsEveryTableAndMasksSecrets) {
  std::string printed = check(run(
      {"--secret", "hunter2", "--db", "postgresql://muc:pw@db.example.org/muc", "--check-config"}));
  EXPECT_EQ(printed.find("hunter2"), std::string::npos) << printed;
  EXPECT_NE(printed.find("secret = '********'\n"), std::string::npos) << printed;
  EXPECT_NE(printed.find("db = 'postgresql://muc:********@db.example.org/muc'\n"),
            std::string::npos)
      << printed;
  for (const char* table : {"[limits]", "[link]", "[service]", "[metrics]"}) {
    EXPECT_NE(printed.find(table), std::string::npos) << table;
  }
}

TEST(Config, KeywordPasswordIsMaskedToo) {
  EXPECT_EQ(keys::mask_password("host=db dbname=muc password=pw user=muc"),
            "host=db dbname=muc password=******** user=muc");
  EXPECT_EQ(keys::mask_password("postgresql:///muc?host=/run/pg&password=pw"),
            "postgresql:///muc?host=/run/pg&password=********");
  EXPECT_EQ(keys::mask_password("postgresql://muc@db/muc"), "postgresql://muc@db/muc");
  EXPECT_EQ(keys::mask_password("host=db password = pw user=muc"),
            "host=db password = ******** user=muc");
  EXPECT_EQ(keys::mask_password("password='it\\'s a secret' user=muc"),
            "password=******** user=muc");
}

TEST(Config, CheckConfigOfAnInvalidFileExitsWithTwo) {
  TempFile f("[service]\nmax_rooms = -1\n");
  expect_error(run({"--secret", "s", "--config", f.path(), "--check-config"}), "service.max_rooms");
}

TEST(Config, EnvironmentSetsTableKeys) {
  Config c = ok(run_with({}, {{"MUC_SECRET", "s"},
                              {"MUC_SERVICE_MAX_ROOMS", "5"},
                              {"MUC_SERVICE_ARCHIVING_DEFAULT", "false"},
                              {"MUC_SERVICE_MESSAGE_RATE", "0.25"},
                              {"MUC_SERVICE_ROOM_CREATION", "admins"},
                              {"MUC_SERVICE_SERVICE_ADMINS", "a@example.org, b@example.org"},
                              {"MUC_LINK_STALL_TIMEOUT", "120"},
                              {"MUC_LIMITS_MAX_DEPTH", "16"},
                              {"MUC_METRICS_LISTEN", "127.0.0.1:9105"}}));
  EXPECT_EQ(c.limits.max_rooms, 5u);
  EXPECT_FALSE(c.archiving_default);
  EXPECT_DOUBLE_EQ(c.limits.message_rate, 0.25);
  EXPECT_EQ(c.room_creation, RoomCreation::admins);
  ASSERT_EQ(c.service_admins.size(), 2u);
  EXPECT_EQ(c.service_admins[1].bare_str(), "b@example.org");
  EXPECT_EQ(c.link.stall_timeout, std::chrono::seconds(120));
  EXPECT_EQ(c.link.limits.max_depth, 16u);
  EXPECT_EQ(c.metrics_host, "127.0.0.1");
  EXPECT_EQ(c.metrics_port, 9105);
}

TEST(Config, EnvironmentStringsStayStrings) {
  // A secret or a domain that looks like a number or a boolean is still a string.
  Config c = ok(run_with({}, {{"MUC_SECRET", "12345"}, {"MUC_SERVER", "10.0.0.1:5347"}}));
  EXPECT_EQ(c.link.secret, "12345");
  EXPECT_EQ(c.link.host, "10.0.0.1");
}

TEST(Config, EnvironmentOverridesTheFileAndFlagsOverrideTheEnvironment) {
  TempFile f(
      "domain = \"file.example.org\"\nserver = \"127.0.0.1:1111\"\n"
      "[service]\nmax_rooms = 7\n");
  Config c = ok(run_with({"--config", f.path(), "--server", "127.0.0.1:3333"},
                         {{"MUC_SECRET", "s"},
                          {"MUC_DOMAIN", "env.example.org"},
                          {"MUC_SERVER", "127.0.0.1:2222"},
                          {"MUC_SERVICE_MAX_ROOMS", "8"}}));
  EXPECT_EQ(c.link.domain, "env.example.org");
  EXPECT_EQ(c.link.port, 3333);
  EXPECT_EQ(c.limits.max_rooms, 8u);
}

TEST(Config, BadEnvironmentValueNamesTheVariable) {
  expect_error(run_with({}, {{"MUC_SECRET", "s"}, {"MUC_LINK_STALL_TIMEOUT", "soon"}}),
               "environment variable MUC_LINK_STALL_TIMEOUT: expected an integer");
  expect_error(run_with({}, {{"MUC_SECRET", "s"}, {"MUC_SERVER", "nowhere"}}), "MUC_SERVER");
}

TEST(Config, UnknownTableKeyInTheEnvironmentIsAnError) {
  expect_error(run_with({}, {{"MUC_SECRET", "s"}, {"MUC_SERVICE_MAX_ROOM", "5"}}),
               "environment variable MUC_SERVICE_MAX_ROOM: unknown key");
}

TEST(Config, OtherMucVariablesAreNotSettings) {
  ok(run_with({}, {{"MUC_SECRET", "s"}, {"MUC_IQ_AUDIT", "1"}, {"MUC_E2E_DB", "1"}}));
}

TEST(Config, SecretFromAFileIsItsFirstLine) {
  TempFile f("from a file\nsecond line\n");
  Config c = ok(run({"--secret-file", f.path()}));
  EXPECT_EQ(c.link.secret, "from a file");
  EXPECT_NE(check(run({"--secret-file", f.path(), "--check-config"})).find("secret = '********'"),
            std::string::npos);
  // A secret given anywhere wins over the file.
  EXPECT_EQ(ok(run({"--secret-file", f.path()}, "env")).link.secret, "env");
  Config e = ok(run_with({}, {{"MUC_SECRET_FILE", f.path()}}));
  EXPECT_EQ(e.link.secret, "from a file");
}

TEST(Config, UnreadableOrEmptySecretFileIsAnError) {
  expect_error(run({"--secret-file", "/nonexistent/secret"}),
               "--secret-file '/nonexistent/secret': cannot read the secret");
  TempFile empty("\n");
  expect_error(run({"--secret-file", empty.path()}), "its first line is empty");
}

TEST(Config, RatesMustBeFiniteNumbers) {
  expect_error(run_with({}, {{"MUC_SECRET", "s"}, {"MUC_SERVICE_MESSAGE_RATE", "nan"}}),
               "MUC_SERVICE_MESSAGE_RATE: expected a number >= 0");
  expect_error(run_with({}, {{"MUC_SECRET", "s"}, {"MUC_SERVICE_PRESENCE_RATE", "inf"}}),
               "MUC_SERVICE_PRESENCE_RATE: expected a number >= 0");
}

TEST(Config, ATableVariableWithoutAKeyIsAnError) {
  expect_error(run_with({}, {{"MUC_SECRET", "s"}, {"MUC_SERVICE_", "1"}}),
               "environment variable MUC_SERVICE_: names no key of [service]");
}

TEST(Config, LogFormatJsonFromTheFlag) {
  EXPECT_EQ(ok(run({"--secret", "s", "--log-format", "json"})).log_format, base::LogFormat::json);
  expect_error(run({"--secret", "s", "--log-format", "xml"}), "expected text or json");
}

TEST(Config, MetricsListenNeedsHostAndPort) {
  TempFile f("[metrics]\nlisten = \"9105\"\n");
  expect_error(run({"--secret", "s", "--config", f.path()}), "metrics.listen");
  EXPECT_TRUE(ok(run({"--secret", "s"})).metrics_host.empty());
}

TEST(LogLine, JsonLineCarriesRoomIdAndEscapedMessage) {
  EXPECT_EQ(base::format_log_line(base::LogLevel::warn, "said \"hi\"\n",
                                  {"room@conference.localhost", "m1"}, base::LogFormat::json),
            "\"level\":\"warn\",\"room\":\"room@conference.localhost\",\"id\":\"m1\","
            "\"msg\":\"said \\\"hi\\\"\\n\"");
}

TEST(LogLine, AFieldValueWithSpacesIsQuotedSoItCannotForgeAnother) {
  EXPECT_EQ(
      base::format_log_line(base::LogLevel::info, "m", {"r@c", "x room=y"}, base::LogFormat::text),
      "info  room=r@c id=\"x room=y\" m");
}

TEST(LogLine, TextLineIsOneLineWithItsFields) {
  EXPECT_EQ(base::format_log_line(base::LogLevel::info, "two\nlines", {"r@c", "m1"},
                                  base::LogFormat::text),
            "info  room=r@c id=m1 two lines");
}

}  // namespace
}  // namespace app