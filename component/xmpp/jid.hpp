// An XMPP address: localpart@domainpart/resourcepart, each part prepared with the
// stringprep profiles of RFC 6122 (nodeprep, nameprep, resourceprep, via libidn) so that
// comparison is exact byte equality of the prepared forms. RFC 7622 replaced these
// profiles with PRECIS (RFC 8264/8265/7700); Debian packages no PRECIS library (libidn2
// covers IDNA2008 only), and servers still compare with stringprep, so we keep it. The
// address syntax (lengths, the '/' and '@' split, IP literals) follows RFC 7622.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace xmpp {

class Jid {
 public:
  Jid() = default;
  // Parses and prepares `text`; nullopt when malformed (empty domain, a part over 1023 bytes,
  // a prohibited character, an empty localpart before '@' or empty resource after '/', ...).
  static std::optional<Jid> parse(std::string_view text);
  // Builds from parts already known to be valid for their profile; each part is prepared
  // again (cheap) and nullopt is returned when one is not valid. Empty local/resource = absent.
  static std::optional<Jid> from_parts(std::string_view local, std::string_view domain,
                                       std::string_view resource);
  // Prepares a candidate nickname (resourceprep). nullopt when invalid, empty or made only of
  // white space (XEP-0045 7.2: such nicks MUST be refused), or holding a bidi control
  // (xmpp/nickname.hpp). Which nicks look alike is nick_key's to say.
  static std::optional<std::string> prepare_nick(std::string_view nick);
  // Prepares a room name (nodeprep); nullopt when invalid.
  static std::optional<std::string> prepare_local(std::string_view local);

  const std::string& local() const { return local_; }
  const std::string& domain() const { return domain_; }
  const std::string& resource() const { return resource_; }
  bool has_local() const { return !local_.empty(); }
  bool has_resource() const { return !resource_.empty(); }

  Jid bare() const;                                             // without resource
  Jid with_resource(std::string_view prepared_resource) const;  // resource assumed prepared
  std::string str() const;                                      // full textual form
  std::string bare_str() const;                                 // local@domain or domain

  bool operator==(const Jid&) const = default;
  auto operator<=>(const Jid&) const = default;

 private:
  std::string local_;
  std::string domain_;
  std::string resource_;
};

}  // namespace xmpp
