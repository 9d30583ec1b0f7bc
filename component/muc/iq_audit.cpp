#include "muc/iq_audit.hpp"

#include <variant>

#include "xml/parser.hpp"
#include "xml/writer.hpp"
#include "xmpp/jid.hpp"

namespace muc {
namespace {

constexpr std::size_t kKeptDuplicates = 10;

// Sender and id, the sender's JID prepared, so that an answer addressed with the JID as
// the room keeps it (e.g. a relayed one) matches a request whose `from` was spelt otherwise.
std::string key(std::string_view jid, std::string_view id) {
  std::optional<xmpp::Jid> parsed = xmpp::Jid::parse(jid);
  std::string k = parsed ? parsed->str() : std::string(jid);
  k += ' ';
  k += id;
  return k;
}

}  // namespace

void IqAudit::inbound(const xml::Element& stanza) {
  if (stanza.name() != "iq") return;
  std::string_view type = stanza.attr_or("type");
  if (type == "result" || type == "error") return;  // answers, not requests
  // Without a sender there is nobody to answer (Service::handle drops it).
  if (!xmpp::Jid::parse(stanza.attr_or("from"))) return;
  ++counts_.entered;
  ++waiting_[key(stanza.attr_or("from"), stanza.attr_or("id"))];
}

void IqAudit::outbound(const Outbound& out) {
  if (out.stanza->head != "<iq to='") return;  // the cheap test: not an iq at all
  if (!out.everyone) {
    reply(xml::render(*out.stanza, out.to));
    return;
  }
  for (std::size_t i = 0; i < out.everyone->size(); ++i) {
    reply(out.stanza->head + std::string(out.everyone->escaped(i)) + out.stanza->tail);
  }
}

void IqAudit::reply(const std::string& rendered) {
  xml::NamespaceContext scope;
  scope.default_ns = std::string(xml::kComponentNs);
  auto parsed = xml::parse_stanza(rendered, scope);
  auto* iq = std::get_if<xml::Element>(&parsed);
  if (iq == nullptr) return;
  std::string_view type = iq->attr_or("type");
  if (type != "result" && type != "error") return;  // a request of ours (relay, ping)
  std::string k = key(iq->attr_or("to"), iq->attr_or("id"));
  auto it = waiting_.find(k);
  if (it == waiting_.end()) {
    ++counts_.duplicate;
    if (duplicates_.size() < kKeptDuplicates) duplicates_.push_back(k);
    return;
  }
  ++counts_.answered;
  if (--it->second == 0) waiting_.erase(it);
}

IqAudit::Counts IqAudit::counts() const {
  Counts c = counts_;
  c.unanswered = 0;
  for (const auto& [k, n] : waiting_) c.unanswered += n;
  return c;
}

std::vector<std::string> IqAudit::unanswered(std::size_t max) const {
  std::vector<std::string> out;
  for (const auto& [k, n] : waiting_) {
    if (out.size() >= max) break;
    out.push_back(k);
  }
  return out;
}

}  // namespace muc
