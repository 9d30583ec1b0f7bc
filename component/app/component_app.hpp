// Wires the pieces together on one libuv loop: the XEP-0114 link carries stanzas in and
// out, the MUC service decides, signals stop everything cleanly. The loop thread owns all
// room state; nothing here blocks.
#pragma once

#include <uv.h>

#include <memory>
#include <string>

#include "app/config.hpp"
#include "app/metrics.hpp"
#include "app/metrics_server.hpp"
#include "db/pg_store.hpp"
#include "muc/iq_audit.hpp"
#include "muc/service.hpp"
#include "xmpp/component_link.hpp"

namespace app {

class ComponentApp final : public xmpp::ComponentLink::Listener {
 public:
  // `iq_audit`: keep muc::IqAudit over everything in and out, and log its counts when run()
  // ends (MUC_IQ_AUDIT=1; the end-to-end tests assert on the line). `occupant_id_secret`:
  // the service's XEP-0421 key (app::occupant_id_secret).
  ComponentApp(uv_loop_t* loop, const Config& config, std::string occupant_id_secret,
               bool iq_audit = false);
  ~ComponentApp() override;
  ComponentApp(const ComponentApp&) = delete;
  ComponentApp& operator=(const ComponentApp&) = delete;

  // The database (config.db_uri) must be migrated already (migrate_database).
  // Runs until SIGINT/SIGTERM (exit code 0) or a fatal link error (exit code 1).
  int run();

  void on_link_up() override;
  void on_stanza(xml::Element stanza) override;
  void on_stanza_fault(const xml::StanzaFault& fault) override;
  void on_link_down() override;
  void on_fatal(const std::string& reason) override;

 private:
  static void on_signal(uv_signal_t* handle, int signum);
  static void on_check_timer(uv_timer_t* handle);
  static void on_relay_timer(uv_timer_t* handle);
  static void on_counts_timer(uv_timer_t* handle);
  void shutdown(int exit_code);
  void close_handles();
  void send(muc::Effects& fx);
  std::string render_metrics() const;

  uv_loop_t* loop_;
  std::unique_ptr<muc::IqAudit> audit_;  // null unless asked for: nothing to pay otherwise
  std::unique_ptr<db::PgStore> store_;   // null without --db: rooms in memory only
  muc::Service service_;
  xmpp::ComponentLink link_;
  uv_signal_t sigint_{};
  uv_signal_t sigterm_{};
  // After an outage, occupants' sessions are checked a few at a time (Service::check_sessions).
  uv_timer_t check_timer_{};
  // Every second: relayed iqs whose target has not answered in time (Service::expire).
  uv_timer_t relay_timer_{};
  // [metrics] listen: what is counted, the endpoint, and what the database holds, counted
  // every 30 s (a scrape never waits for PostgreSQL).
  Metrics metrics_;
  std::unique_ptr<MetricsServer> metrics_server_;
  std::string domain_;  // the service's, for what the database holds of it
  std::string metrics_host_;
  std::uint16_t metrics_port_ = 0;
  db::StoredCounts stored_;
  uv_timer_t counts_timer_{};
  bool was_up_ = false;
  int exit_code_ = 0;
  bool stopping_ = false;
};

muc::ServiceConfig service_config(const Config& config, std::string occupant_id_secret = {});

}  // namespace app
