// muc-component: a XEP-0045 multi-user chat service attached to any XMPP server as a
// XEP-0114 external component.
#include <uv.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "app/component_app.hpp"
#include "app/config.hpp"
#include "app/database.hpp"
#include "base/log.hpp"
#include "muc/occupant_id.hpp"

extern char** environ;

int main(int argc, char** argv) {
  app::ConfigResult parsed = app::parse_config(argc, argv, app::environment_of(environ));
  if (auto* exit = std::get_if<app::ConfigExit>(&parsed)) {
    std::FILE* stream = exit->code == 0 ? stdout : stderr;
    std::fprintf(stream, "%s\n", exit->message.c_str());
    return exit->code;
  }
  const app::Config& config = std::get<app::Config>(parsed);
  base::set_log_level(config.log_level);
  base::set_log_format(config.log_format);
  base::log_info("muc-component serving {} through {}:{}", config.link.domain, config.link.host,
                 config.link.port);

  std::string occupant_id_secret;
  if (!config.db_uri.empty()) {
    if (auto error = app::migrate_database(config.db_uri)) {
      std::fprintf(stderr, "muc-component: %s\n", error->c_str());
      return 1;
    }
    auto secret = app::occupant_id_secret(config.db_uri, config.link.domain);
    if (auto* error = std::get_if<app::DatabaseError>(&secret)) {
      std::fprintf(stderr, "muc-component: %s\n", error->reason.c_str());
      return 1;
    }
    occupant_id_secret = std::get<std::string>(std::move(secret));
  } else {
    occupant_id_secret = muc::new_occupant_id_secret();
    base::log_info("no database: occupant ids (XEP-0421) last as long as this process");
  }

  uv_loop_t loop;
  uv_loop_init(&loop);
  int code = 0;
  {
    // MUC_IQ_AUDIT=1: account for every iq get/set and its answer, and log the counts on
    // exit (the end-to-end tests set it; docs/architecture.md, Every iq answered exactly once).
    const char* audit = std::getenv("MUC_IQ_AUDIT");
    app::ComponentApp component(&loop, config, std::move(occupant_id_secret),
                                audit != nullptr && std::string_view(audit) == "1");
    code = component.run();
  }
  // Handles are closed by now; a non-zero return here would be a leak of our own.
  if (uv_loop_close(&loop) != 0) base::log_warn("event loop closed with handles still open");
  return code;
}
