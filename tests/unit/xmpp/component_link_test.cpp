// The XEP-0114 link against an in-process fake XMPP server: a libuv TCP server on 127.0.0.1,
// port 0, on the same loop. Tests never sleep: they run the loop until a condition holds,
// with a guard timer that fails the test instead of hanging.
#include "xmpp/component_link.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "fake_server.hpp"
#include "xml/writer.hpp"
#include "xmpp/backoff.hpp"
#include "xmpp/link_protocol.hpp"

namespace xmpp {
namespace {

using namespace std::chrono_literals;
using test_support::FakeServer;
using test_support::kSecret;
using test_support::kStreamId;

// ---- the component side

struct RecordingListener : ComponentLink::Listener {
  int ups = 0;
  int downs = 0;
  std::vector<xml::Element> stanzas;
  std::vector<xml::StanzaFault> faults;
  std::vector<std::string> fatals;
  std::function<void()> on_up;  // optional extra actions
  std::function<void(const xml::Element&)> on_received;
  void on_link_up() override {
    ++ups;
    if (on_up) on_up();
  }
  void on_stanza(xml::Element s) override {
    if (on_received) on_received(s);
    stanzas.push_back(std::move(s));
  }
  void on_stanza_fault(const xml::StanzaFault& f) override { faults.push_back(f); }
  void on_link_down() override { ++downs; }
  void on_fatal(const std::string& reason) override { fatals.push_back(reason); }
};

class LinkTest : public ::testing::Test {
 protected:
  LinkTest() {
    uv_loop_init(&loop_);
    server_ = std::make_unique<FakeServer>(&loop_);
    config_.host = "127.0.0.1";
    config_.port = server_->port();
    config_.domain = "conference.localhost";
    config_.secret = kSecret;
    config_.backoff_initial = 5ms;
    config_.backoff_max = 20ms;
    config_.keepalive = 60000ms;
  }

  ~LinkTest() override {
    if (link_) {
      bool done = false;
      link_->stop([&] { done = true; });
      run_until([&] { return done; });
      link_.reset();
    }
    server_->close();
    uv_run(&loop_, UV_RUN_DEFAULT);  // close callbacks; returns when no handle is left
    EXPECT_EQ(uv_loop_close(&loop_), 0);
  }

  void start() {
    link_ = std::make_unique<ComponentLink>(&loop_, config_, listener_);
    link_->start();
  }

  // Runs the loop until `cond` holds; fails (without hanging) after `timeout`.
  bool run_until(const std::function<bool()>& cond, std::chrono::milliseconds timeout = 5000ms) {
    bool expired = false;
    uv_timer_t guard;
    uv_timer_init(&loop_, &guard);
    guard.data = &expired;
    uv_update_time(&loop_);
    uv_timer_start(
        &guard, [](uv_timer_t* t) { *static_cast<bool*>(t->data) = true; },
        static_cast<std::uint64_t>(timeout.count()), 0);
    while (!cond() && !expired) uv_run(&loop_, UV_RUN_ONCE);
    uv_close(reinterpret_cast<uv_handle_t*>(&guard), nullptr);
    uv_run(&loop_, UV_RUN_NOWAIT);  // let the guard's close callback run
    EXPECT_TRUE(cond()) << "condition not reached within " << timeout.count() << " ms";
    return cond();
  }

  // Runs the loop for `duration` regardless (to observe that nothing happens).
  void run_for(std::chrono::milliseconds duration) {
    bool expired = false;
    uv_timer_t t;
    uv_timer_init(&loop_, &t);
    t.data = &expired;
    // Time spent outside the loop (a test's own work) would make the timer due at once,
    // and uv_run(ONCE) would then block in poll until some other timer: refresh first.
    uv_update_time(&loop_);
    uv_timer_start(
        &t, [](uv_timer_t* h) { *static_cast<bool*>(h->data) = true; },
        static_cast<std::uint64_t>(duration.count()), 0);
    while (!expired) uv_run(&loop_, UV_RUN_ONCE);
    uv_close(reinterpret_cast<uv_handle_t*>(&t), nullptr);
    uv_run(&loop_, UV_RUN_NOWAIT);
  }

  void start_and_wait_up() {
    start();
    ASSERT_TRUE(run_until([&] { return listener_.ups == 1; }));
    ASSERT_TRUE(link_->up());
  }

  static xml::Element message(std::string to, std::string body) {
    xml::Element m("message", std::string(xml::kComponentNs));
    m.set_attr("from", "room@conference.localhost/nick");
    if (!to.empty()) m.set_attr("to", std::move(to));
    m.set_attr("type", "groupchat");
    m.add_text_child("body", std::string(xml::kComponentNs), std::move(body));
    return m;
  }

  uv_loop_t loop_{};
  std::unique_ptr<FakeServer> server_;
  LinkConfig config_;
  RecordingListener listener_;
  std::unique_ptr<ComponentLink> link_;
};

// ---- pure pieces

TEST(LinkProtocol, HandshakeDigestIsLowercaseHexSha1OfIdThenSecret) {
  // SHA-1("abc") from FIPS 180-2 appendix A.1, split between id and secret.
  EXPECT_EQ(handshake_digest("a", "bc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(handshake_digest("", ""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

TEST(LinkProtocol, StreamHeaderAndErrors) {
  EXPECT_EQ(stream_header("conference.localhost"),
            "<stream:stream xmlns='jabber:component:accept' "
            "xmlns:stream='http://etherx.jabber.org/streams' to='conference.localhost'>");
  EXPECT_EQ(stream_error("not-well-formed"),
            "<stream:error><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
            "</stream:error></stream:stream>");
  xml::Element e("error", std::string(ns::kStreams));
  e.add("conflict", std::string(ns::kStreamErrors));
  e.add_text_child("text", std::string(ns::kStreamErrors), "replaced");
  EXPECT_TRUE(is_stream_error(e));
  auto r = read_stream_error(e);
  EXPECT_EQ(r.condition, "conflict");
  EXPECT_EQ(r.text, "replaced");
  EXPECT_EQ(read_stream_error(xml::Element("error", std::string(ns::kStreams))).condition,
            "undefined-condition");
}

TEST(Backoff, DoublesUpToTheCapAndResets) {
  Backoff b(250ms, 1000ms);
  EXPECT_EQ(b.next(), 250ms);
  EXPECT_EQ(b.next(), 500ms);
  EXPECT_EQ(b.next(), 1000ms);
  EXPECT_EQ(b.next(), 1000ms);
  EXPECT_EQ(b.attempt(), 4u);
  b.reset();
  EXPECT_EQ(b.next(), 250ms);
  EXPECT_EQ(b.attempt(), 1u);
}

// ---- against the fake server

TEST_F(LinkTest, OpensTheStreamAndHandshakesWithTheRightDigest) {
  start_and_wait_up();
  const std::string& got = server_->last().received;
  EXPECT_EQ(got.rfind(stream_header("conference.localhost"), 0), 0u) << got;
  // The id arrives escaped (abc&apos;123) and is hashed unescaped, as the server does.
  EXPECT_NE(got.find("<handshake>" + handshake_digest("abc'123", kSecret) + "</handshake>"),
            std::string::npos)
      << got;
  EXPECT_EQ(listener_.downs, 0);
  EXPECT_TRUE(listener_.fatals.empty());
}

TEST_F(LinkTest, StanzasFlowBothWays) {
  start_and_wait_up();
  auto& client = server_->last();
  server_->send(client,
                "<message from='a@localhost/r' to='room@conference.localhost' type='groupchat'>"
                "<body>hi &amp; bye</body></message>");
  ASSERT_TRUE(run_until([&] { return listener_.stanzas.size() == 1; }));
  const xml::Element& in = listener_.stanzas[0];
  EXPECT_TRUE(in.is("message", xml::kComponentNs));
  EXPECT_EQ(in.attr_or("from"), "a@localhost/r");
  EXPECT_EQ(in.child_text("body", xml::kComponentNs), "hi & bye");

  const std::size_t before = client.received.size();
  link_->send(message("a@localhost/r", "hello"));
  auto prepared = xml::prepare(message("", "to many"));
  link_->send(*prepared, "b'o@localhost/x");
  EXPECT_GT(link_->queued_bytes(), 0u);
  ASSERT_TRUE(run_until([&] {
    return client.received.find("to many") != std::string::npos &&
           client.received.find("hello") != std::string::npos;
  }));
  const std::string out = client.received.substr(before);
  EXPECT_NE(out.find("<body>hello</body>"), std::string::npos) << out;
  EXPECT_NE(out.find("to='b&apos;o@localhost/x'"), std::string::npos) << out;
  EXPECT_LT(out.find("hello"), out.find("to many"));
  EXPECT_EQ(link_->queued_bytes(), 0u);
}

TEST_F(LinkTest, SendsOfOneLoopTurnLeaveInOneWrite) {
  start_and_wait_up();
  auto& client = server_->last();
  const std::size_t reads_before = client.reads;
  const std::size_t bytes_before = client.received.size();
  // 60 stanzas queued in one turn (here: between two loop runs) must cost one uv_write,
  // which the server's single read on loopback observes.
  for (int i = 0; i < 60; ++i) link_->send(message("a@localhost/r", "m" + std::to_string(i)));
  const std::size_t queued = link_->queued_bytes();
  // Small enough for one kernel send buffer and one read of the fake server.
  EXPECT_LT(queued, 8u * 1024u);
  ASSERT_TRUE(run_until([&] { return client.received.size() - bytes_before == queued; }));
  EXPECT_EQ(client.reads, reads_before + 1);
  EXPECT_NE(client.received.find("<body>m59</body>"), std::string::npos);
}

TEST_F(LinkTest, RepliesToOneReadLeaveInOneWrite) {
  // The real case: the server delivers many stanzas in one read, the component answers each
  // from its stanza callback, and all answers leave together.
  listener_.on_received = [&](const xml::Element& in) {
    link_->send(message("a@localhost/r", "re " + in.child_text("body", xml::kComponentNs)));
  };
  start_and_wait_up();
  auto& client = server_->last();
  const std::size_t reads_before = client.reads;
  std::string batch;
  for (int i = 0; i < 50; ++i) {
    batch += "<message from='a@localhost/r' to='room@conference.localhost'><body>q" +
             std::to_string(i) + "</body></message>";
  }
  server_->send(client, batch);
  ASSERT_TRUE(run_until([&] { return client.received.find("re q49") != std::string::npos; }));
  EXPECT_EQ(listener_.stanzas.size(), 50u);
  EXPECT_EQ(client.reads, reads_before + 1);
}

TEST_F(LinkTest, SendFromATimerCallbackLeavesBeforeTheLoopBlocks) {
  // Timers run before the poll: a flush placed after the poll (uv_check) would leave this
  // stanza queued until some later wake-up; ours runs just before the loop blocks.
  start_and_wait_up();
  auto& client = server_->last();
  uv_timer_t timer;
  uv_timer_init(&loop_, &timer);
  timer.data = link_.get();
  uv_timer_start(
      &timer,
      [](uv_timer_t* t) {
        static_cast<ComponentLink*>(t->data)->send(message("a@localhost/r", "from a timer"));
      },
      1, 0);
  uv_update_time(&loop_);
  const std::uint64_t t0 = uv_now(&loop_);
  ASSERT_TRUE(run_until([&] { return client.received.find("from a timer") != std::string::npos; }));
  EXPECT_LT(uv_now(&loop_) - t0, 1000u);  // not held until the 5 s guard woke the loop
  // The timer lives on this stack frame: its close must complete before the frame ends.
  bool closed = false;
  timer.data = &closed;
  uv_close(reinterpret_cast<uv_handle_t*>(&timer),
           [](uv_handle_t* h) { *static_cast<bool*>(h->data) = true; });
  ASSERT_TRUE(run_until([&] { return closed; }));
}

TEST_F(LinkTest, StanzasSentWhileDownAreDropped) {
  start();
  link_->send(message("a@localhost/r", "too early"));
  EXPECT_FALSE(link_->up());
  EXPECT_EQ(link_->queued_bytes(), 0u);
  ASSERT_TRUE(run_until([&] { return listener_.ups == 1; }));
  run_for(20ms);
  EXPECT_EQ(server_->last().received.find("too early"), std::string::npos);
}

TEST_F(LinkTest, ReconnectsAfterTheServerClosesTheSocket) {
  start_and_wait_up();
  server_->close_client(server_->last());
  ASSERT_TRUE(run_until([&] { return listener_.downs == 1; }));
  EXPECT_FALSE(link_->up());
  ASSERT_TRUE(run_until([&] { return listener_.ups == 2; }));
  EXPECT_EQ(server_->connections(), 2u);
  EXPECT_TRUE(link_->up());
}

TEST_F(LinkTest, SlowServerIsNotDroppedHoweverLargeTheBacklog) {
  start_and_wait_up();
  auto& client = server_->last();
  server_->stop_reading(client);
  const std::size_t before = client.received.size();
  // Twice the high-water mark for a server that reads nothing for a while: slow, not dead.
  std::string body(64 * 1024, 'x');
  for (int i = 0; i < 128; ++i) link_->send(message("user@localhost/r", body));
  const std::size_t sent = link_->queued_bytes();
  run_for(300ms);
  EXPECT_EQ(listener_.downs, 0);
  EXPECT_GT(link_->queued_bytes(), config_.high_water);
  FakeServer::start_reading(client);
  ASSERT_TRUE(run_until([&] { return client.received.size() - before >= sent; }, 20000ms));
  EXPECT_EQ(listener_.downs, 0);
  EXPECT_GE(link_->stats().peak_queue_bytes, sent);
}

TEST_F(LinkTest, DropsAndReconnectsWhenTheServerReadsNothingForTheStallTimeout) {
  config_.stall_timeout = 200ms;
  start_and_wait_up();
  server_->stop_reading(server_->last());
  // Far more than the kernel's socket buffers hold, so that output waits.
  std::string body(64 * 1024, 'x');
  for (int i = 0; i < 256; ++i) link_->send(message("user@localhost/r", body));
  ASSERT_TRUE(run_until([&] { return listener_.downs == 1; }));
  ASSERT_TRUE(run_until([&] { return listener_.ups == 2; }));
  EXPECT_EQ(link_->stats().reconnects, 1u);
}

// One inbound stanza may fan out to megabytes: input is held at the stanza that crossed the
// high-water mark, not at the next read, and resumes once the output drained.
TEST_F(LinkTest, HoldsInputAtTheStanzaWhoseFanOutCrossedTheHighWaterMark) {
  config_.high_water = 1024 * 1024;
  config_.low_water = 256 * 1024;
  const std::string body(600 * 1024, 'y');
  listener_.on_received = [&](const xml::Element& in) {
    link_->send(message("a@localhost/r", std::string(in.attr_or("id")) + body));
  };
  start_and_wait_up();
  auto& client = server_->last();
  server_->stop_reading(client);
  std::string batch;
  for (int i = 0; i < 10; ++i) {
    batch += "<message id='q" + std::to_string(i) +
             "' from='a@localhost/r' to='room@conference.localhost'/>";
  }
  server_->send(client, batch);  // one read holds all ten
  run_for(200ms);
  // The kernel took some, so a few were decoded, but far from all ten.
  EXPECT_GE(listener_.stanzas.size(), 1u);
  EXPECT_LT(listener_.stanzas.size(), 10u);
  FakeServer::start_reading(client);
  ASSERT_TRUE(
      run_until([&] { return client.received.find("q9" + body) != std::string::npos; }, 20000ms));
  EXPECT_EQ(listener_.stanzas.size(), 10u);
  EXPECT_LT(client.received.find("q8" + body), client.received.find("q9" + body));
  EXPECT_LE(link_->stats().peak_queue_bytes, config_.high_water + 2 * body.size());
}

// A fan-out larger than the low-water mark is kept as the stanza and its recipients and
// written out as the server reads; what is sent after it still comes after it.
TEST_F(LinkTest, HugeBroadcastIsWrittenProgressivelyAndInOrder) {
  start_and_wait_up();
  auto& client = server_->last();
  auto everyone = std::make_shared<xml::Recipients>();
  for (int i = 0; i < 100000; ++i) everyone->add("user" + std::to_string(i) + "@localhost/r");
  auto prepared = xml::prepare(message("", std::string(200, 'b')));
  link_->send(prepared, everyone);
  link_->send(message("a@localhost/r", "after the broadcast"));
  // Nothing is built yet beyond one chunk: the 30 MB wait as a stanza and a list.
  EXPECT_GT(link_->queued_bytes(), 20u * 1024 * 1024);
  ASSERT_TRUE(run_until(
      [&] { return client.received.find("after the broadcast") != std::string::npos; }, 20000ms));
  const auto last_copy = client.received.find("to='user99999@localhost/r'");
  ASSERT_NE(last_copy, std::string::npos);
  EXPECT_LT(last_copy, client.received.find("after the broadcast"));
  EXPECT_EQ(link_->queued_bytes(), 0u);
}

TEST_F(LinkTest, StanzaFaultGoesToTheListenerAndTheStreamGoesOn) {
  start_and_wait_up();
  auto& client = server_->last();
  std::string deep;
  for (int i = 0; i < 300; ++i) deep += "<a>";
  for (int i = 0; i < 300; ++i) deep += "</a>";
  server_->send(client,
                "<iq type='set' id='x1' from='eve@localhost/r' to='room@conference.localhost'>" +
                    deep + "</iq><message id='after' from='a@localhost/r' to='r@c'/>");
  ASSERT_TRUE(run_until([&] { return listener_.stanzas.size() == 1; }));
  ASSERT_EQ(listener_.faults.size(), 1u);
  EXPECT_EQ(listener_.faults[0].condition, "policy-violation");
  EXPECT_EQ(listener_.faults[0].head->attr_or("id"), "x1");
  EXPECT_EQ(listener_.stanzas[0].attr_or("id"), "after");
  EXPECT_EQ(listener_.downs, 0);
  EXPECT_EQ(link_->stats().stanza_faults, 1u);
}

TEST_F(LinkTest, StopsReadingWhileItsOutputIsBackloggedAndResumesWhenDrained) {
  start_and_wait_up();
  auto& client = server_->last();
  server_->stop_reading(client);
  // More than the high-water mark (4 MiB) queued for a server that does not read.
  std::string body(64 * 1024, 'x');
  for (int i = 0; i < 96; ++i) link_->send(message("user@localhost/r", body));
  run_for(100ms);
  // What the server sends now is not read while our output is backlogged.
  server_->send(client, "<message from='a@localhost/r' to='room@conference.localhost'/>");
  run_for(200ms);
  EXPECT_TRUE(listener_.stanzas.empty());
  // The server reads again: our backlog drains, and its stanza comes through.
  FakeServer::start_reading(client);
  ASSERT_TRUE(run_until([&] { return listener_.stanzas.size() == 1; }));
  EXPECT_EQ(listener_.downs, 0);
}

TEST_F(LinkTest, ReconnectsAfterAServerStreamError) {
  start_and_wait_up();
  auto& client = server_->last();
  server_->send(client,
                "<stream:error><system-shutdown xmlns='urn:ietf:params:xml:ns:xmpp-"
                "streams'/></stream:error></stream:stream>");
  ASSERT_TRUE(run_until([&] { return listener_.ups == 2; }));
  EXPECT_EQ(listener_.downs, 1);
  EXPECT_TRUE(listener_.fatals.empty());
}

TEST_F(LinkTest, AnswersTheServersClosingTagAndReconnects) {
  start_and_wait_up();
  auto& first = server_->last();
  server_->send(first, "</stream:stream>");
  ASSERT_TRUE(run_until([&] { return listener_.ups == 2; }));
  // RFC 6120 4.4: the other side closes its stream in turn.
  EXPECT_NE(first.received.find("</stream:stream>"), std::string::npos);
  EXPECT_EQ(listener_.downs, 1);
}

TEST_F(LinkTest, RetriesWhileNothingListens) {
  // Take the port away: connection refused, then retried with backoff until it comes back.
  const std::uint16_t port = server_->port();
  server_->close();
  uv_run(&loop_, UV_RUN_NOWAIT);
  config_.port = port;
  start();
  run_for(30ms);  // 5 + 10 + 20 ms: a few refused attempts
  EXPECT_EQ(listener_.ups, 0);
  EXPECT_TRUE(listener_.fatals.empty());
  EXPECT_FALSE(link_->up());
}

TEST_F(LinkTest, NotAuthorizedIsFatalAndNotRetried) {
  server_->script.accept_handshake = false;
  start();
  ASSERT_TRUE(run_until([&] { return !listener_.fatals.empty(); }));
  EXPECT_EQ(listener_.fatals[0], "the server refused the component secret (not-authorized)");
  EXPECT_EQ(listener_.ups, 0);
  run_for(100ms);  // far beyond the backoff: no second attempt
  EXPECT_EQ(server_->connections(), 1u);
  EXPECT_EQ(listener_.fatals.size(), 1u);
}

TEST_F(LinkTest, BadXmlFromTheServerGetsAStreamErrorAndAReconnect) {
  start_and_wait_up();
  auto& first = server_->last();
  server_->send(first, "<message><<garbage/></message>");
  ASSERT_TRUE(run_until([&] { return first.eof; }));
  EXPECT_NE(first.received.find("<stream:error><"), std::string::npos) << first.received;
  EXPECT_NE(first.received.find("xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"),
            std::string::npos);
  EXPECT_NE(first.received.find("</stream:stream>"), std::string::npos);
  ASSERT_TRUE(run_until([&] { return listener_.ups == 2; }));
  EXPECT_EQ(listener_.downs, 1);
  EXPECT_TRUE(listener_.stanzas.empty());
}

TEST_F(LinkTest, WhitespaceKeepaliveAfterIdle) {
  config_.keepalive = 10ms;
  start_and_wait_up();
  auto& client = server_->last();
  const std::size_t after_handshake = client.received.size();
  ASSERT_TRUE(run_until([&] { return client.received.size() > after_handshake; }));
  EXPECT_EQ(client.received.substr(after_handshake, 1), " ");
}

TEST_F(LinkTest, StopClosesTheStreamAfterQueuedStanzas) {
  start_and_wait_up();
  auto& client = server_->last();
  link_->send(message("a@localhost/r", "last words"));
  bool done = false;
  link_->stop([&] { done = true; });
  ASSERT_TRUE(run_until([&] { return done && client.eof; }));
  const auto words = client.received.find("last words");
  ASSERT_NE(words, std::string::npos);
  EXPECT_NE(client.received.find("</stream:stream>", words), std::string::npos);
  EXPECT_EQ(listener_.downs, 0);
  link_.reset();
}

TEST_F(LinkTest, StopBeforeStartAndDestroyWithoutStop) {
  link_ = std::make_unique<ComponentLink>(&loop_, config_, listener_);
  bool done = false;
  link_->stop([&] { done = true; });
  ASSERT_TRUE(run_until([&] { return done; }));
  link_.reset();
  // A running link destroyed without stop() closes its handles on its own.
  start_and_wait_up();
  link_.reset();
}

TEST_F(LinkTest, ResolvesHostNames) {
  config_.host = "localhost";
  start();
  // localhost may resolve to ::1 first, where nothing listens: the next address is tried.
  ASSERT_TRUE(run_until([&] { return listener_.ups == 1; }));
}

}  // namespace
}  // namespace xmpp
