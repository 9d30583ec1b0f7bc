// A stanza that breaks a rule of its own is skipped whole and reported, and the stream goes
// on: the next stanza is cut exactly as if the bad one had never been sent.
#include <gtest/gtest.h>

#include <string>

#include "recorder.hpp"
#include "xml/framer.hpp"

namespace xml {
namespace {

using test::kHeader;
using test::Recorder;

constexpr std::string_view kNext =
    "<message id='next' from='a@b/c' to='r@muc'><body>hi</body></message>";

std::string nested(std::size_t depth) {
  std::string s;
  for (std::size_t i = 0; i < depth; ++i) s += "<a x='1'>";
  s += "deep";
  for (std::size_t i = 0; i < depth; ++i) s += "</a>";
  return s;
}

std::string deep_iq() {
  return "<iq type='set' id='q1' from='eve@x/r' to='room@muc'><query xmlns='urn:q'><item>" +
         nested(300) + "</item></query></iq>";
}

// Feeds the header, then `body` in chunks of `chunk` bytes (0: at once).
Recorder run(const std::string& body, std::size_t chunk = 0, Limits limits = {}) {
  Recorder rec;
  StreamFramer f(limits);
  EXPECT_EQ(f.feed(kHeader, rec), std::nullopt);
  if (chunk == 0) chunk = body.size();
  for (std::size_t i = 0; i < body.size(); i += chunk) {
    EXPECT_EQ(f.feed(std::string_view(body).substr(i, chunk), rec), std::nullopt) << i;
  }
  return rec;
}

void expect_fault_then_next(const Recorder& rec, std::string_view condition) {
  ASSERT_EQ(rec.faults.size(), 1u);
  EXPECT_EQ(rec.faults[0].condition, condition);
  ASSERT_EQ(rec.stanzas.size(), 1u);
  EXPECT_EQ(rec.stanzas[0].attr_or("id"), "next");
  EXPECT_EQ(rec.stanzas[0].child_text("body", kComponentNs), "hi");
}

TEST(StreamFramerSkip, OverDeepStanzaIsSkippedAndTheNextOneIsCut) {
  Recorder rec = run(deep_iq() + std::string(kNext));
  expect_fault_then_next(rec, "policy-violation");
  EXPECT_EQ(rec.faults[0].text, "elements nested deeper than 32");
}

TEST(StreamFramerSkip, FaultHeadCarriesTheAddressingAttributesOnly) {
  Recorder rec = run(deep_iq() + std::string(kNext));
  ASSERT_EQ(rec.faults.size(), 1u);
  ASSERT_TRUE(rec.faults[0].head);
  const Element& head = *rec.faults[0].head;
  EXPECT_TRUE(head.is("iq", kComponentNs));
  EXPECT_EQ(head.attr_or("id"), "q1");
  EXPECT_EQ(head.attr_or("type"), "set");
  EXPECT_EQ(head.attr_or("from"), "eve@x/r");
  EXPECT_EQ(head.attr_or("to"), "room@muc");
  EXPECT_TRUE(head.nodes().empty());
}

TEST(StreamFramerSkip, OverDeepStanzaSplitAtEveryChunkSizeKeepsSync) {
  const std::string body = deep_iq() + std::string(kNext);
  for (std::size_t chunk : {1u, 2u, 3u, 7u, 64u, 1000u}) {
    SCOPED_TRACE(chunk);
    expect_fault_then_next(run(body, chunk), "policy-violation");
  }
}

TEST(StreamFramerSkip, OversizedStanzaIsSkippedAndTheNextOneIsCut) {
  Limits limits;
  limits.max_stanza_bytes = 1024;
  const std::string big = "<message id='big' from='a@b/c' to='r@muc' type='groupchat'><body>" +
                          std::string(100 * 1024, 'x') + "</body></message>";
  for (std::size_t chunk : {0u, 1u, 4096u}) {
    Recorder rec = run(big + std::string(kNext), chunk, limits);
    expect_fault_then_next(rec, "policy-violation");
    ASSERT_TRUE(rec.faults[0].head);
    EXPECT_EQ(rec.faults[0].head->attr_or("id"), "big");
    EXPECT_EQ(rec.faults[0].text, "stanza larger than 1024 bytes");
  }
}

TEST(StreamFramerSkip, BadUtf8StanzaIsSkippedAndTheNextOneIsCut) {
  Recorder rec = run("<message id='u' from='a@b/c' to='r@muc'><body>\xC0\xAF ok</body></message>" +
                     std::string(kNext));
  expect_fault_then_next(rec, "not-acceptable");
  EXPECT_EQ(rec.faults[0].head->attr_or("id"), "u");
}

TEST(StreamFramerSkip, RestrictedMarkupStanzaIsSkippedAndTheNextOneIsCut) {
  Recorder rec = run("<message id='e' from='a@b/c'><body>&lol;</body><!-- x --></message>" +
                     std::string(kNext));
  expect_fault_then_next(rec, "not-acceptable");
  EXPECT_EQ(rec.faults[0].text, "entity reference &lol;");
}

// Markup characters that are data must not move the skipped stanza's end.
TEST(StreamFramerSkip, SkipIgnoresTagsInsideQuotesCdataAndComments) {
  Limits limits;
  limits.max_depth = 2;
  const std::string tricky =
      "<iq id='t' from='a@b/c'><a><b v='/> &gt; x/'><![CDATA[</iq>]]><!-- </iq> --><?p </iq>?>"
      "<c/></b></a></iq>";
  expect_fault_then_next(run(tricky + std::string(kNext), 0, limits), "policy-violation");
  expect_fault_then_next(run(tricky + std::string(kNext), 1, limits), "policy-violation");
}

TEST(StreamFramerSkip, TooManyAttributesOnTheStanzaKeepsTheOnesReadBefore) {
  Limits limits;
  limits.max_attributes = 4;  // the header has 4
  Recorder rec = run(
      "<presence id='p' from='a@b/c' x='1' y='2' to='r@muc/n'/>" + std::string(kNext), 0, limits);
  expect_fault_then_next(rec, "policy-violation");
  ASSERT_TRUE(rec.faults[0].head);
  EXPECT_EQ(rec.faults[0].head->attr_or("id"), "p");
  EXPECT_EQ(rec.faults[0].head->attr_or("from"), "a@b/c");
  EXPECT_EQ(rec.faults[0].head->attr("to"), nullptr);  // the fifth attribute broke the limit
}

TEST(StreamFramerSkip, SeveralBadStanzasInARowAreEachReported) {
  std::string body;
  for (int i = 0; i < 5; ++i) body += deep_iq();
  body += kNext;
  Recorder rec = run(body, 5);
  EXPECT_EQ(rec.faults.size(), 5u);
  ASSERT_EQ(rec.stanzas.size(), 1u);
}

TEST(StreamFramerSkip, MismatchedTagsStayAStreamError) {
  Recorder rec;
  StreamFramer f;
  ASSERT_EQ(f.feed(kHeader, rec), std::nullopt);
  auto err = f.feed("<message><body></message>", rec);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->condition, "not-well-formed");
}

// Backpressure: a paused handler stops the framer after the stanza it was just given.
struct Pausing : Recorder {
  bool pause = true;
  bool paused() const override { return pause; }
};

TEST(StreamFramerPause, PausedHandlerKeepsTheRestUntilResume) {
  Pausing rec;
  StreamFramer f;
  ASSERT_EQ(f.feed(kHeader, rec), std::nullopt);
  ASSERT_EQ(f.feed("<iq id='1'/><iq id='2'/><iq id='3'/>", rec), std::nullopt);
  ASSERT_EQ(rec.stanzas.size(), 1u);
  EXPECT_EQ(f.pending(), std::string_view("<iq id='2'/><iq id='3'/>").size());
  // More input while paused queues behind what was kept.
  ASSERT_EQ(f.feed("<iq id='4'/>", rec), std::nullopt);
  EXPECT_EQ(rec.stanzas.size(), 2u);  // feeding resumes first, and pauses again
  rec.pause = false;
  ASSERT_EQ(f.resume(rec), std::nullopt);
  ASSERT_EQ(rec.stanzas.size(), 4u);
  EXPECT_EQ(rec.stanzas[3].attr_or("id"), "4");
  EXPECT_EQ(f.pending(), 0u);
}

TEST(StreamFramerPause, PauseAlsoHoldsAfterAFault) {
  Pausing rec;
  StreamFramer f;
  ASSERT_EQ(f.feed(kHeader, rec), std::nullopt);
  ASSERT_EQ(f.feed(deep_iq() + "<iq id='after'/>", rec), std::nullopt);
  EXPECT_EQ(rec.faults.size(), 1u);
  EXPECT_TRUE(rec.stanzas.empty());
  rec.pause = false;
  ASSERT_EQ(f.resume(rec), std::nullopt);
  ASSERT_EQ(rec.stanzas.size(), 1u);
}

}  // namespace
}  // namespace xml
