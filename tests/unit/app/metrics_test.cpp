// The Prometheus exposition of what the component counts (app/metrics.hpp).
#include "app/metrics.hpp"

#include <gtest/gtest.h>

#include "xml/parser.hpp"
#include "xml/writer.hpp"

namespace app {
namespace {

xml::Element parse(const std::string& text) {
  xml::NamespaceContext scope;
  scope.default_ns = "jabber:component:accept";
  return std::get<xml::Element>(xml::parse_stanza(text, scope));
}

muc::Outbound one(const std::string& text, const std::string& to = "a@localhost/r") {
  return muc::Outbound{xml::prepare(parse(text)), to, nullptr};
}

TEST(Metrics, ErrorConditionIsTheFirstChildOfTheError) {
  auto error =
      one("<iq type='error' id='1' from='r@c'><query xmlns='x'/><error type='auth'><forbidden "
          "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text "
          "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>no</text></error></iq>");
  EXPECT_EQ(error_condition_of(*error.stanza), "forbidden");
  EXPECT_EQ(error_condition_of(*one("<iq type='error' id='2' from='r@c'><error type='cancel'>"
                                    "<made-up xmlns='x'/></error></iq>")
                                    .stanza),
            "other");
  EXPECT_EQ(error_condition_of(*one("<message type='groupchat' from='r@c'><body>type='error' "
                                    "<error/></body></message>")
                                    .stanza),
            "");
}

TEST(Metrics, CountsStanzasByKindAndBroadcastCopies) {
  Metrics m;
  m.inbound(parse("<presence from='a@localhost/r' to='r@c/A'/>"));
  m.inbound(parse("<iq type='get' id='1' from='a@localhost/r' to='r@c'/>"));
  auto everyone = std::make_shared<xml::Recipients>();
  everyone->add("a@localhost/r");
  everyone->add("b@localhost/r");
  everyone->add("c@localhost/r");
  auto broadcast =
      xml::prepare(parse("<message type='groupchat' from='r@c/A'><body>x</body></message>"));
  m.outbound(muc::Outbound{broadcast, {}, everyone});
  m.outbound(one("<presence from='r@c/A'/>"));
  m.outbound(
      one("<message type='error' from='r@c'><error type='modify'><not-acceptable "
          "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>"));
  EXPECT_EQ(m.in(Metrics::presence), 1u);
  EXPECT_EQ(m.in(Metrics::iq), 1u);
  EXPECT_EQ(m.out(Metrics::message), 4u);
  EXPECT_EQ(m.out(Metrics::presence), 1u);
  ASSERT_EQ(m.errors().size(), 1u);
  EXPECT_EQ(m.errors().at("not-acceptable"), 1u);
}

TEST(Metrics, RenderIsPrometheusTextWithTheHistogram) {
  Metrics m;
  m.outbound(
      one("<iq type='error' id='1' from='r@c'><error type='cancel'><item-not-found "
          "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"));
  Gauges g;
  g.rooms_loaded = 2;
  g.occupants = 5;
  g.link_up = true;
  g.database = true;
  g.db.queued = 3;
  g.db.commit_le[0] = 1;
  for (auto& b : g.db.commit_le) b = b == 0 ? 2 : b;
  g.db.commit_count = 2;
  g.db.commit_seconds = 0.004;
  g.stored = {7, 1000};
  const std::string text = m.render(g);
  for (const char* line :
       {"# TYPE muc_rooms_loaded gauge\nmuc_rooms_loaded 2\n", "muc_occupants 5\n",
        "muc_stanza_errors_total{condition=\"item-not-found\"} 1\n",
        "muc_stanzas_out_total{kind=\"iq\"} 1\n", "muc_link_up 1\n", "muc_rooms_stored 7\n",
        "muc_db_archive_rows 1000\n", "muc_db_queue_jobs 3\n",
        "# TYPE muc_db_commit_seconds histogram\n",
        "muc_db_commit_seconds_bucket{le=\"0.001\"} 1\n",
        "muc_db_commit_seconds_bucket{le=\"+Inf\"} 2\n", "muc_db_commit_seconds_sum 0.004\n",
        "muc_db_commit_seconds_count 2\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\nin:\n" << text;
  }
}

TEST(Metrics, WithoutADatabaseThereAreNoDatabaseSeries) {
  EXPECT_EQ(Metrics().render(Gauges{}).find("muc_db_"), std::string::npos);
}

}  // namespace
}  // namespace app
