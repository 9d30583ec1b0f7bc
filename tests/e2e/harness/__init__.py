"""End-to-end test harness: a real XMPP server (Prosody or ejabberd), the real muc-component,
slixmpp clients.

  env.E2E      starts Prosody or ejabberd (scripts/lib/prosody.sh, scripts/lib/ejabberd.sh;
               MUC_E2E_SERVER), optionally PostgreSQL, and the component
  client.Client  a recording slixmpp client with expect()/collect_until()/request()/barrier()
  muc          XEP-0045 predicates and flows (join, create_room, ...)
  stanza       Stanza view (error, statuses, item, ...) and XML builders
"""
