#include "storm.hpp"

#include <cmath>
#include <utility>

#include <fmt/format.h>

namespace bench {

StormCounter::StormCounter(std::size_t n, std::string room_jid)
    : n_(n), room_prefix_(std::move(room_jid) + "/"), got_(n, 0), in_(n, 0) {}

void StormCounter::presence(std::size_t i, const Event& e, std::int64_t t_ns) {
  if (i >= n_ || attribute(e.head, "from").substr(0, room_prefix_.size()) != room_prefix_) {
    ++foreign_;
    return;
  }
  const std::string_view type = attribute(e.head, "type");
  if (type == "error") {
    if (++errors_ == 1)
      first_error_ = std::string(e.whole.empty() ? e.head : e.whole.substr(0, 600));
    return;
  }
  if (type == "unavailable") {
    ++unavailable_;
    return;
  }
  ++presences_;
  last_presence_ = t_ns;
  if (++got_[i] == n_) {
    ++clients_delivered_;
    last_delivered_ = t_ns;
  } else if (got_[i] > n_) {
    ++extra_;
  }
  const bool self = e.whole.find("code='110'") != std::string_view::npos ||
                    e.whole.find("code=\"110\"") != std::string_view::npos;
  if (self && in_[i] == 0) {
    in_[i] = 1;
    ++clients_in_;
    last_in_ = t_ns;
  }
}

std::string StormCounter::progress() const {
  return fmt::format("in {}/{}, presences {}/{}, errors {}", clients_in_, n_, presences_,
                     static_cast<std::uint64_t>(n_) * n_, errors_);
}

void StormCounter::describe(Json& j) const {
  auto since = [&](std::int64_t t) { return static_cast<double>(t - t0_) / 1e9; };
  j.integer("storm_n", static_cast<long long>(n_));
  j.integer("storm_clients_in", static_cast<long long>(clients_in_));
  j.integer("storm_clients_delivered", static_cast<long long>(clients_delivered_));
  j.integer("storm_presences", static_cast<long long>(presences_));
  j.integer("storm_presences_expected", static_cast<long long>(n_) * static_cast<long long>(n_));
  j.num("storm_in_s", all_in() ? since(last_in_) : NAN);
  j.num("storm_delivered_s", all_delivered() ? since(last_delivered_) : NAN);
  j.num("storm_last_presence_s", presences_ > 0 ? since(last_presence_) : NAN);
  j.integer("storm_errors", static_cast<long long>(errors_));
  j.integer("storm_unavailable", static_cast<long long>(unavailable_));
  j.integer("storm_extra", static_cast<long long>(extra_));
  j.integer("storm_foreign", static_cast<long long>(foreign_));
  j.str("storm_first_error", first_error_);
}

}  // namespace bench
