#include "app/metrics.hpp"

#include <fmt/format.h>

namespace app {
namespace {

constexpr std::string_view kKindNames[] = {"message", "presence", "iq", "other"};

Metrics::Kind kind_of(std::string_view name) {
  if (name == "message") return Metrics::message;
  if (name == "presence") return Metrics::presence;
  if (name == "iq") return Metrics::iq;
  return Metrics::other;
}

// The element name at the start of "<name ...".
std::string_view name_at(std::string_view text) {
  if (text.empty() || text.front() != '<') return {};
  auto end = text.find_first_of(" />", 1);
  return text.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1);
}

class Writer {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  }
  template <typename T>
  void sample(std::string_view name, T value, std::string_view labels = {}) {
    if (labels.empty()) {
      out_ += fmt::format("{} {}\n", name, value);
    } else {
      out_ += fmt::format("{}{{{}}} {}\n", name, labels, value);
    }
  }
  template <typename T>
  void one(std::string_view name, std::string_view type, std::string_view help, T value) {
    family(name, type, help);
    sample(name, value);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

void render_db(const db::PgStore::Stats& s, const db::StoredCounts& stored, Writer& w) {
  w.one("muc_rooms_stored", "gauge",
        "Live rooms of this service with a row in PostgreSQL (counted every 30 s).", stored.rooms);
  w.one("muc_db_archive_rows", "gauge",
        "Rows in the database's message archive, every service's, PostgreSQL's estimate "
        "(every 30 s).",
        stored.messages);
  w.one("muc_archived_messages_total", "counter",
        "Messages (and subject changes) this process archived.", s.archived);
  w.one("muc_db_queue_jobs", "gauge", "Database jobs queued or running.", s.queued);
  w.one("muc_db_jobs_failed_total", "counter", "Database jobs that failed.", s.failed);
  w.one("muc_db_connects_total", "counter", "Successful connections to PostgreSQL.", s.connects);
  w.family("muc_db_commit_seconds", "histogram",
           "Time a commit transaction took (an in-doubt COMMIT's resolution included).");
  for (std::size_t i = 0; i < db::kCommitBuckets.size(); ++i) {
    w.sample("muc_db_commit_seconds_bucket", s.commit_le[i],
             fmt::format("le=\"{}\"", db::kCommitBuckets[i]));
  }
  w.sample("muc_db_commit_seconds_bucket", s.commit_count, "le=\"+Inf\"");
  w.sample("muc_db_commit_seconds_sum", s.commit_seconds);
  w.sample("muc_db_commit_seconds_count", s.commit_count);
}

}  // namespace

std::string error_condition_of(const xml::Prepared& stanza) {
  // tail: "' attrs...>children</name>" (xml::prepare); the start tag ends at the first '>'.
  std::string_view tail = stanza.tail;
  auto start_end = tail.find('>');
  if (start_end == std::string_view::npos) return {};
  if (tail.substr(0, start_end).find(" type='error'") == std::string_view::npos) return {};
  auto error = tail.find("<error", start_end);
  if (error == std::string_view::npos) return {};
  auto child = tail.find('<', tail.find('>', error));
  if (child == std::string_view::npos) return {};
  std::string_view name = name_at(tail.substr(child));
  if (name.empty() || name.front() == '/') return {};
  // RFC 6120 8.3.3's conditions; a relayed error may carry anything, and a label of its
  // sender's choosing would grow the series without bound.
  static constexpr std::string_view kConditions[] = {"bad-request",
                                                     "conflict",
                                                     "feature-not-implemented",
                                                     "forbidden",
                                                     "gone",
                                                     "internal-server-error",
                                                     "item-not-found",
                                                     "jid-malformed",
                                                     "not-acceptable",
                                                     "not-allowed",
                                                     "not-authorized",
                                                     "policy-violation",
                                                     "recipient-unavailable",
                                                     "redirect",
                                                     "registration-required",
                                                     "remote-server-not-found",
                                                     "remote-server-timeout",
                                                     "resource-constraint",
                                                     "service-unavailable",
                                                     "subscription-required",
                                                     "undefined-condition",
                                                     "unexpected-request"};
  for (std::string_view c : kConditions) {
    if (c == name) return std::string(c);
  }
  return "other";
}

void Metrics::inbound(const xml::Element& stanza) {
  ++in_[kind_of(stanza.name())];
}

void Metrics::outbound(const muc::Outbound& o) {
  const Kind k = kind_of(name_at(o.stanza->head));
  if (o.everyone) {
    out_[k] += o.everyone->size();
    return;  // a broadcast is never an error
  }
  ++out_[k];
  if (std::string condition = error_condition_of(*o.stanza); !condition.empty()) {
    auto it = errors_.find(condition);
    if (it == errors_.end()) it = errors_.emplace(std::move(condition), 0).first;
    ++it->second;
  }
}

std::string Metrics::render(const Gauges& g) const {
  Writer w;
  w.one("muc_rooms_loaded", "gauge", "Rooms in memory.", g.rooms_loaded);
  w.one("muc_occupants", "gauge", "Occupants of the rooms in memory.", g.occupants);
  w.family("muc_stanzas_in_total", "counter", "Stanzas received from the server, by kind.");
  for (int k = 0; k < kKinds; ++k) {
    w.sample("muc_stanzas_in_total", in_[k], fmt::format("kind=\"{}\"", kKindNames[k]));
  }
  w.family("muc_stanzas_out_total", "counter",
           "Stanzas sent to the server, by kind (a broadcast counts each copy).");
  for (int k = 0; k < kKinds; ++k) {
    w.sample("muc_stanzas_out_total", out_[k], fmt::format("kind=\"{}\"", kKindNames[k]));
  }
  w.family("muc_stanza_errors_total", "counter",
           "Error stanzas sent, by RFC 6120 condition (relayed errors included).");
  for (const auto& [condition, n] : errors_) {
    w.sample("muc_stanza_errors_total", n, fmt::format("condition=\"{}\"", condition));
  }
  w.one("muc_stanzas_refused_total", "counter",
        "Inbound stanzas refused for a fault of their own (size, depth, bad XML).",
        g.stanza_faults);
  w.one("muc_link_up", "gauge", "1 while the XEP-0114 stream is established.", g.link_up ? 1 : 0);
  w.one("muc_link_queue_bytes", "gauge", "Output waiting for the server to read it.",
        g.queue_bytes);
  w.one("muc_link_queue_peak_bytes", "gauge", "The most output that ever waited.",
        g.peak_queue_bytes);
  w.one("muc_link_reconnects_total", "counter", "Links lost after the handshake.", g.reconnects);
  if (g.database) render_db(g.db, g.stored, w);
  return w.take();
}

}  // namespace app
