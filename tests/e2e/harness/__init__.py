"""End-to-end test harness: real Prosody, real muc-component, slixmpp clients.

  env.E2E      starts Prosody (scripts/lib/prosody.sh), optionally PostgreSQL, and the component
  client.Client  a recording slixmpp client with expect()/collect_until()/request()/barrier()
  muc          XEP-0045 predicates and flows (join, create_room, ...)
  stanza       Stanza view (error, statuses, item, ...) and XML builders
"""
