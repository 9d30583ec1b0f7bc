-- 0006_service_secrets: keys the service keeps for good, one per domain and purpose
-- (db/service_secret.hpp). "occupant-id" keys XEP-0421 occupant ids
-- (component/muc/occupant_id.hpp): lose it and every occupant gets a new id in every room.
-- Secret: read it only as the component's database user.
CREATE TABLE service_secrets (
  domain     text NOT NULL,
  purpose    text NOT NULL,
  secret     text NOT NULL,  -- hex
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (domain, purpose)
);
