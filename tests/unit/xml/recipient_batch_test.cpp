#include "xml/recipient_batch.hpp"

#include <gtest/gtest.h>

namespace xml {
namespace {

// A stanza whose copies read "<p to='ADDRESS' n='NAME'/>".
std::shared_ptr<const Prepared> stanza(std::string_view name) {
  auto p = std::make_shared<Prepared>();
  p->head = "<p to='";
  p->tail = "' n='" + std::string(name) + "'/>";
  return p;
}

std::shared_ptr<const Recipients> to(std::initializer_list<std::string_view> addresses) {
  auto r = std::make_shared<Recipients>();
  for (std::string_view a : addresses) r->add(a);
  return r;
}

std::string drained(RecipientBatch& b) {
  std::string out;
  const std::size_t promised = b.bytes();
  b.drain(out);
  EXPECT_EQ(out.size(), promised);
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.bytes(), 0U);
  return out;
}

TEST(RecipientBatch, ALoneBroadcastKeepsItsRecipientOrder) {
  RecipientBatch b;
  b.add_fan_out(stanza("m"), to({"c", "a", "b"}));
  EXPECT_EQ(drained(b), "<p to='c' n='m'/><p to='a' n='m'/><p to='b' n='m'/>");
}

TEST(RecipientBatch, BroadcastsToOneListAreWrittenRecipientByRecipient) {
  RecipientBatch b;
  auto room = to({"a", "b"});
  b.add_fan_out(stanza("1"), room);
  b.add_fan_out(stanza("2"), room);
  b.add_fan_out(stanza("3"), room);
  EXPECT_EQ(drained(b),
            "<p to='a' n='1'/><p to='a' n='2'/><p to='a' n='3'/>"
            "<p to='b' n='1'/><p to='b' n='2'/><p to='b' n='3'/>");
}

// A join storm: each join is a broadcast to the others and the roster to the newcomer.
TEST(RecipientBatch, MixedCopiesAreGroupedInOrderOfFirstAppearance) {
  RecipientBatch b;
  b.add_fan_out(stanza("c-joined"), to({"a", "b"}));
  b.add_copy(*stanza("a-is-here"), "c");
  b.add_copy(*stanza("b-is-here"), "c");
  b.add_fan_out(stanza("d-joined"), to({"a", "b", "c"}));
  b.add_copy(*stanza("a-is-here"), "d");
  EXPECT_EQ(drained(b),
            "<p to='a' n='c-joined'/><p to='a' n='d-joined'/>"
            "<p to='b' n='c-joined'/><p to='b' n='d-joined'/>"
            "<p to='c' n='a-is-here'/><p to='c' n='b-is-here'/><p to='c' n='d-joined'/>"
            "<p to='d' n='a-is-here'/>");
}

TEST(RecipientBatch, RawTextIsABarrier) {
  RecipientBatch b;
  b.add_copy(*stanza("1"), "a");
  b.add_copy(*stanza("1"), "b");
  b.add_raw(" ");
  b.add_copy(*stanza("2"), "a");
  b.add_copy(*stanza("2"), "b");
  b.add_copy(*stanza("3"), "a");
  EXPECT_EQ(drained(b),
            "<p to='a' n='1'/><p to='b' n='1'/> "
            "<p to='a' n='2'/><p to='a' n='3'/><p to='b' n='2'/>");
}

TEST(RecipientBatch, AddressesAreComparedEscaped) {
  RecipientBatch b;
  b.add_copy(*stanza("1"), "o'k@x/r");
  b.add_fan_out(stanza("2"), to({"z", "o'k@x/r"}));
  b.add_copy(*stanza("3"), "o'k@x/r");
  EXPECT_EQ(drained(b),
            "<p to='o&apos;k@x/r' n='1'/><p to='o&apos;k@x/r' n='2'/>"
            "<p to='o&apos;k@x/r' n='3'/><p to='z' n='2'/>");
}

TEST(RecipientBatch, EmptyFanOutsAndRawTextAddNothing) {
  RecipientBatch b;
  b.add_fan_out(stanza("m"), to({}));
  b.add_raw("");
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(drained(b), "");
}

TEST(RecipientBatch, ClearForgetsEverythingAndTheBatchIsReusable) {
  RecipientBatch b;
  b.add_copy(*stanza("lost"), "a");
  b.clear();
  EXPECT_TRUE(b.empty());
  b.add_copy(*stanza("kept"), "a");
  EXPECT_EQ(drained(b), "<p to='a' n='kept'/>");
  b.add_copy(*stanza("again"), "b");
  EXPECT_EQ(drained(b), "<p to='b' n='again'/>");
}

}  // namespace
}  // namespace xml
