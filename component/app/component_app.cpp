#include "app/component_app.hpp"

#include <chrono>
#include <optional>
#include <utility>

#include "base/log.hpp"

namespace app {
namespace {
// Session checks after an outage: this many pings per tick, a tick every so often, so that
// a service of 10,000 occupants is checked in 20 s without a burst.
constexpr std::size_t kChecksPerTick = 50;
constexpr std::uint64_t kCheckTickMs = 100;
// Relayed iqs are answered for their target once [service] iq_relay_timeout has passed; a
// tick a second makes that at most a second late. A tick with nothing due costs O(1).
constexpr std::uint64_t kRelayTickMs = 1000;
// What the database holds is counted this often for the metrics.
constexpr std::uint64_t kCountsTickMs = 30000;
}  // namespace

muc::ServiceConfig service_config(const Config& c, std::string occupant_id_secret) {
  muc::ServiceConfig s;
  s.occupant_id_secret = std::move(occupant_id_secret);
  s.domain = c.link.domain;
  s.history_default = static_cast<std::uint32_t>(c.history_default);
  s.archiving_default = c.archiving_default;
  for (const xmpp::Jid& j : c.service_admins) s.service_admins.push_back(j.bare_str());
  switch (c.room_creation) {
    case RoomCreation::anyone:
      s.creation = muc::CreationPolicy::anyone;
      break;
    case RoomCreation::domains:
      s.creation = muc::CreationPolicy::domains;
      break;
    case RoomCreation::admins:
      s.creation = muc::CreationPolicy::admins;
      break;
  }
  s.creation_domains = c.creation_domains;
  s.limits = c.limits;
  return s;
}

ComponentApp::ComponentApp(uv_loop_t* loop, const Config& config, std::string occupant_id_secret,
                           bool iq_audit)
    : loop_(loop),
      audit_(iq_audit ? std::make_unique<muc::IqAudit>() : nullptr),
      store_(config.db_uri.empty() ? nullptr : std::make_unique<db::PgStore>(loop, config.db_uri)),
      service_(service_config(config, std::move(occupant_id_secret)), store_.get(),
               [this](muc::Effects& fx) { send(fx); }),
      link_(loop, config.link, *this),
      domain_(config.link.domain),
      metrics_host_(config.metrics_host),
      metrics_port_(config.metrics_port) {
  uv_signal_init(loop_, &sigint_);
  uv_signal_init(loop_, &sigterm_);
  uv_timer_init(loop_, &check_timer_);
  uv_timer_init(loop_, &relay_timer_);
  uv_timer_init(loop_, &counts_timer_);
  sigint_.data = this;
  sigterm_.data = this;
  check_timer_.data = this;
  relay_timer_.data = this;
  counts_timer_.data = this;
  if (!metrics_host_.empty()) {
    metrics_server_ = std::make_unique<MetricsServer>(loop_, [this] { return render_metrics(); });
  }
}

ComponentApp::~ComponentApp() = default;

int ComponentApp::run() {
  uv_signal_start(&sigint_, &ComponentApp::on_signal, SIGINT);
  uv_signal_start(&sigterm_, &ComponentApp::on_signal, SIGTERM);
  uv_timer_start(&relay_timer_, &ComponentApp::on_relay_timer, kRelayTickMs, kRelayTickMs);
  std::optional<std::string> metrics_error;
  if (metrics_server_) metrics_error = metrics_server_->start(metrics_host_, metrics_port_);
  if (metrics_error) {
    // The operator asked for metrics: running without them would hide that they are off.
    base::log_error("{}", *metrics_error);
    shutdown(1);  // the link was never started: it closes at once
  } else {
    if (metrics_server_ && store_) {
      uv_timer_start(&counts_timer_, &ComponentApp::on_counts_timer, 0, kCountsTickMs);
    }
    link_.start();
  }
  uv_run(loop_, UV_RUN_DEFAULT);
  if (audit_) {
    // Every handle is closed and the store has delivered its last completions: whatever
    // was going to answer an iq has.
    const muc::IqAudit::Counts c = audit_->counts();
    base::log_info("iq: audit: entered={} answered={} unanswered={} duplicate={}", c.entered,
                   c.answered, c.unanswered, c.duplicate);
    for (const std::string& k : audit_->unanswered()) base::log_warn("iq: audit: unanswered {}", k);
    for (const std::string& k : audit_->duplicates()) {
      base::log_warn("iq: audit: answered twice {}", k);
    }
  }
  return exit_code_;
}

void ComponentApp::on_relay_timer(uv_timer_t* handle) {
  auto* self = static_cast<ComponentApp*>(handle->data);
  muc::Effects fx;
  self->service_.expire(std::chrono::system_clock::now(), fx);
  self->send(fx);
}

void ComponentApp::on_counts_timer(uv_timer_t* handle) {
  auto* self = static_cast<ComponentApp*>(handle->data);
  self->store_->count_stored(self->domain_, [self](db::StoredCounts counts, bool ok) {
    if (ok) self->stored_ = counts;
  });
}

std::string ComponentApp::render_metrics() const {
  Gauges g;
  for (const muc::Room* room : service_.rooms()) {
    ++g.rooms_loaded;
    g.occupants += room->occupant_count();
  }
  g.link_up = link_.up();
  g.queue_bytes = link_.queued_bytes();
  g.peak_queue_bytes = link_.stats().peak_queue_bytes;
  g.reconnects = link_.stats().reconnects;
  g.stanza_faults = link_.stats().stanza_faults;
  if (store_) {
    g.database = true;
    g.db = store_->stats();
    g.stored = stored_;
  }
  return metrics_.render(g);
}

void ComponentApp::on_signal(uv_signal_t* handle, int signum) {
  auto* self = static_cast<ComponentApp*>(handle->data);
  base::log_info("received signal {}, closing the stream", signum);
  self->shutdown(0);
}

void ComponentApp::shutdown(int exit_code) {
  if (stopping_) return;
  stopping_ = true;
  exit_code_ = exit_code;
  uv_signal_stop(&sigint_);
  uv_signal_stop(&sigterm_);
  uv_timer_stop(&check_timer_);
  uv_timer_stop(&relay_timer_);
  {
    // XEP-0045 status 332: every occupant learns it is out because the service stops, and
    // every relayed iq still waiting is answered; the link sends all of it before its
    // closing tag (or drops it, counted, when it is down).
    muc::Effects fx;
    service_.shut_down(fx);
    send(fx);
  }
  link_.stop([this] { close_handles(); });
}

void ComponentApp::close_handles() {
  uv_timer_stop(&counts_timer_);
  if (metrics_server_) metrics_server_->stop();
  uv_close(reinterpret_cast<uv_handle_t*>(&sigint_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&sigterm_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&check_timer_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&relay_timer_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&counts_timer_), nullptr);
  // Commits already queued finish (their clients were not answered yet, and the link is
  // gone, but what was decided is made durable or reported failed in the log).
  if (store_) store_->close();
}

void ComponentApp::on_link_up() {
  base::log_info("attached to the XMPP server");
  if (std::exchange(was_up_, true)) {
    // Back after an outage: who left meanwhile is unknown; check every session.
    service_.queue_session_checks();
    uv_timer_start(&check_timer_, &ComponentApp::on_check_timer, 0, kCheckTickMs);
  }
}

void ComponentApp::on_check_timer(uv_timer_t* handle) {
  auto* self = static_cast<ComponentApp*>(handle->data);
  muc::Effects fx;
  const std::size_t left = self->service_.check_sessions(kChecksPerTick, fx);
  self->send(fx);
  if (left == 0) uv_timer_stop(handle);
}

void ComponentApp::on_stanza(xml::Element stanza) {
  if (audit_) audit_->inbound(stanza);
  metrics_.inbound(stanza);
  muc::Effects fx;
  service_.handle(stanza, std::chrono::system_clock::now(), fx);
  send(fx);
}

void ComponentApp::on_stanza_fault(const xml::StanzaFault& fault) {
  // The service answers a faulted stanza only when it can tell it is one (Service::handle_fault).
  if (audit_ && fault.head && fault.head->ns() == xml::kComponentNs) audit_->inbound(*fault.head);
  muc::Effects fx;
  service_.handle_fault(fault, fx);
  send(fx);
}

void ComponentApp::send(muc::Effects& fx) {
  for (const muc::Outbound& o : fx.out) {
    if (audit_) audit_->outbound(o);
    metrics_.outbound(o);
    if (o.everyone) {
      link_.send(o.stanza, o.everyone);
    } else {
      link_.send(*o.stanza, o.to);
    }
  }
}

void ComponentApp::on_link_down() {
  uv_timer_stop(&check_timer_);  // on_link_up starts the checks over
  base::log_warn("lost the link to the XMPP server; rooms stay as they are until it returns");
}

void ComponentApp::on_fatal(const std::string& reason) {
  base::log_error("{}", reason);
  shutdown(1);
}

}  // namespace app
