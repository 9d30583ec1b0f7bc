#include "xmpp/stanza_error.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <vector>

#include "xmpp/namespaces.hpp"

namespace xmpp {
namespace {

void swap_addresses(const xml::Element& original, xml::Element& reply) {
  if (const std::string* to = original.attr("to")) reply.set_attr("from", *to);
  if (const std::string* from = original.attr("from")) reply.set_attr("to", *from);
  if (const std::string* id = original.attr("id")) reply.set_attr("id", *id);
}

// Levenshtein distance, bounded: we only care whether it is small.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

xml::Element error_reply(const xml::Element& original, const StanzaError& error) {
  // RFC 6120 8.3.1: an error never answers an error or an iq result; callers check first.
  assert(!must_not_answer(original));
  xml::Element reply(original.name(), original.ns());
  swap_addresses(original, reply);
  reply.set_attr("type", "error");
  for (const xml::Element& child : original.nodes()) {
    if (!child.is_text() && !child.is("error", original.ns())) reply.add(child);
  }
  xml::Element& err = reply.add("error", std::string(original.ns()));
  err.set_attr("type", std::string(error.type));
  xml::Element& condition = err.add(std::string(error.condition), std::string(ns::kStanzaErrors));
  if (!error.condition_text.empty()) condition.add_text(error.condition_text);
  if (!error.text.empty()) {
    err.add_text_child("text", std::string(ns::kStanzaErrors), error.text);
  }
  return reply;
}

bool must_not_answer(const xml::Element& stanza) {
  std::string_view type = stanza.attr_or("type");
  return type == "error" || (stanza.name() == "iq" && type == "result");
}

xml::Element iq_result(const xml::Element& request) {
  assert(request.name() == "iq" && !must_not_answer(request));
  xml::Element reply("iq", request.ns());
  swap_addresses(request, reply);
  reply.set_attr("type", "result");
  return reply;
}

std::optional<std::string_view> near_miss_namespace(std::string_view candidate) {
  static constexpr std::array kServed = {
      ns::kMuc,        ns::kMucUser,  ns::kMucAdmin, ns::kMucOwner, ns::kDiscoInfo,
      ns::kDiscoItems, ns::kRegister, ns::kVersion,  ns::kPing,     ns::kData};
  std::optional<std::string_view> best;
  std::size_t best_distance = 4;  // a few typos; farther is a different namespace
  for (std::string_view served : kServed) {
    if (served == candidate) return std::nullopt;
    // The distance is at least the difference in length: skip those too far to qualify, so
    // the work stays bounded however long a namespace a client sends.
    const std::size_t longer = std::max(candidate.size(), served.size());
    if (longer - std::min(candidate.size(), served.size()) >= best_distance) continue;
    std::size_t d = edit_distance(candidate, served);
    if (d < best_distance) {
      best_distance = d;
      best = served;
    }
  }
  return best;
}

}  // namespace xmpp
