// Cuts an endless XMPP stream into its parts: the stream header, one complete top-level
// element (stanza) at a time, and the stream footer. RapidXML only parses whole documents,
// so the framer tracks tags, quotes and depth itself, enforces the limits, and rejects what
// RFC 6120 section 11 forbids before anything is parsed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xml/element.hpp"
#include "xml/utf8.hpp"

namespace xml {

struct NamespaceContext;  // xml/parser.hpp

struct Limits {
  std::size_t max_stanza_bytes = std::size_t{256} * 1024;  // one top-level element, tags and text
  std::size_t max_depth = 32;                              // nesting below the stream element
  std::size_t max_attributes = 64;                         // per element
};

// An RFC 6120 section 4.9.3 stream error: `condition` is the element name, e.g.
// "not-well-formed", "restricted-xml", "policy-violation", "invalid-namespace".
struct StreamError {
  std::string condition;
  std::string text;
};

class StreamFramer {
 public:
  class Handler {
   public:
    virtual ~Handler() = default;
    // The <stream:stream> opening tag, as an element with its attributes and no children
    // (name "stream", namespace "http://etherx.jabber.org/streams").
    virtual void on_stream_open(const Element& header) = 0;
    // One complete top-level element, namespaces resolved against the stream header's
    // declarations (so a bare <message/> has ns "jabber:component:accept").
    virtual void on_stanza(Element stanza) = 0;
    // </stream:stream>
    virtual void on_stream_close() = 0;
  };

  explicit StreamFramer(Limits limits = {});
  StreamFramer(const StreamFramer&) = delete;
  StreamFramer& operator=(const StreamFramer&) = delete;

  // Consumes bytes, calling the handler for every complete part, in order. On the first
  // violation returns the stream error to send; the framer then refuses further input
  // until reset(). An XML declaration before the header is accepted.
  std::optional<StreamError> feed(std::string_view bytes, Handler& handler);

  // Forget everything: a new stream starts (after a reconnect).
  void reset();

 private:
  // Lexer states; the scan resumes in the state where the previous feed stopped, so a
  // stanza split over many reads is scanned once.
  enum class State : unsigned char {
    prolog,
    decl_target,
    decl,
    content,
    tag_open,
    bang,
    cdata,
    start_name,
    in_start_tag,
    attr_name,
    after_attr_name,
    before_attr_value,
    attr_value,
    after_attr_value,
    empty_close,
    end_name,
    after_end_name,
    reference,
    entity_name,
    char_ref,
    char_ref_digits,
    closed,
    failed
  };
  struct NameRef {
    std::size_t offset;  // into buf_
    std::size_t size;
  };

  std::optional<StreamError> step(unsigned char c, Handler& handler);
  std::optional<StreamError> finish_start_tag(bool empty, Handler& handler);
  std::optional<StreamError> finish_end_tag(Handler& handler);
  std::optional<StreamError> finish_element(Handler& handler);
  std::optional<StreamError> end_name();
  std::optional<StreamError> check_declaration() const;
  std::optional<StreamError> open_stream(bool empty, Handler& handler);
  bool in_stanza() const { return !open_.empty(); }

  Limits limits_;
  State state_ = State::prolog;
  State ref_return_ = State::content;  // where a reference continues
  std::string buf_;                    // the unit (header or stanza) being cut
  std::size_t offset_ = 0;             // bytes consumed since reset(), for the XML declaration
  std::vector<NameRef> open_;          // open elements of the current stanza
  std::size_t name_start_ = 0;         // of the name being scanned, into buf_
  NameRef name_{};                     // the last element name scanned
  std::size_t attributes_ = 0;         // on the start tag being scanned
  std::size_t match_ = 0;              // progress through a literal ("[CDATA[", "xml")
  std::uint32_t char_ref_ = 0;         // value of the character reference being scanned
  bool hex_ = false;
  char quote_ = 0;
  bool stream_open_ = false;
  std::string stream_name_;  // qualified name of the header, to match the footer
  // Declarations of the header, inherited by stanzas (shared_ptr: the type is incomplete here).
  std::shared_ptr<const NamespaceContext> scope_;
  Utf8Validator utf8_;
  std::optional<StreamError> error_;  // once set, input is refused until reset()
  unsigned epoch_ = 0;                // bumped by reset(), so a handler may reset mid-feed
};

}  // namespace xml
