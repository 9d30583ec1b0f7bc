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
#include "xml/stanza_skipper.hpp"
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

// A stanza that broke a rule of its own (a limit, bad UTF-8, forbidden markup) while the
// stream around it stayed intact: it was skipped whole and the stream goes on. `head` is
// the stanza's top-level element with its addressing attributes (from, to, id, type) as far
// as they were read before the fault, and no children: enough to answer the sender.
struct StanzaFault {
  std::optional<Element> head;  // none when not even the element's name could be read
  std::string condition;        // RFC 6120 8.3.3: "policy-violation" or "not-acceptable"
  std::string text;             // what was wrong, naming the limit
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
    // A stanza skipped for a fault of its own; the stream goes on.
    virtual void on_stanza_fault(StanzaFault fault) = 0;
    // </stream:stream>
    virtual void on_stream_close() = 0;
    // Asked after every stanza (or fault) is handed over: true stops the framer there,
    // keeping the rest of its input until resume(). This is how output backpressure holds
    // at the stanza: one inbound stanza may make thousands of outbound ones.
    virtual bool paused() const { return false; }
  };

  explicit StreamFramer(Limits limits = {});
  StreamFramer(const StreamFramer&) = delete;
  StreamFramer& operator=(const StreamFramer&) = delete;

  // Consumes bytes, calling the handler for every complete part, in order, until they are
  // all consumed or the handler is paused(); the rest is kept for resume(). A stanza that
  // breaks a per-stanza rule (size, depth, attributes, UTF-8, RFC 6120 section 11 markup)
  // is skipped and reported with on_stanza_fault(). A stream that is broken as a whole (not
  // well-formed at the stream level, or a fault outside any stanza) returns the stream
  // error to send; the framer then refuses further input until reset(). An XML declaration
  // before the header is accepted.
  std::optional<StreamError> feed(std::string_view bytes, Handler& handler);
  // Continues with the input kept when the handler paused.
  std::optional<StreamError> resume(Handler& handler);
  // Bytes kept since the handler paused (at most what one feed() brought, while the caller
  // stops reading as it should).
  std::size_t pending() const { return pending_.size(); }

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

  // What kind of rule a fault broke: as a stanza error it is policy-violation (a limit) or
  // not-acceptable; outside a stanza it is this stream error.
  enum class Fault : unsigned char { limit, malformed, restricted };

  std::optional<StreamError> consume(std::string_view bytes, Handler& handler);
  std::optional<StreamError> step(unsigned char c, Handler& handler);
  // Inside a stanza: start skipping it from `at`; elsewhere: the stream error.
  std::optional<StreamError> stanza_fault(Fault kind, std::string text, StanzaSkipper::At at);
  // The same, for a fault found at byte `c` before the lexer took it (size, UTF-8).
  std::optional<StreamError> stanza_fault_at(Fault kind, std::string text, unsigned char c,
                                             Handler& handler);
  StanzaSkipper::At skip_entry() const;
  void skip(unsigned char c, Handler& handler);
  std::optional<Element> fault_head(std::string_view text) const;
  std::optional<StreamError> finish_start_tag(bool empty, Handler& handler);
  std::optional<StreamError> finish_end_tag(Handler& handler);
  std::optional<StreamError> finish_element(Handler& handler);
  std::optional<StreamError> end_name();
  std::optional<StreamError> check_declaration() const;
  std::optional<StreamError> open_stream(bool empty, Handler& handler);
  bool in_stanza() const { return !open_.empty(); }
  // A stanza is being cut (its start tag may still be open): faults are the stanza's own.
  bool in_unit() const { return in_element_; }

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
  // The end, in buf_, of the top-level start tag's name and complete attributes so far:
  // what a fault reply can be addressed from.
  std::size_t head_end_ = 0;
  bool in_element_ = false;  // a top-level element's name has begun: faults are its own
  bool delivered_ = false;   // a stanza or fault was just handed over: ask paused()
  bool skipping_ = false;
  StanzaSkipper skipper_;
  StanzaFault fault_;    // reported when the skipped stanza ends
  std::string pending_;  // input kept while the handler is paused
  // The head of the stanza being parsed, kept for a fault reply (the parse is in place);
  // one buffer for every stanza, so it costs no allocation once warm.
  std::string head_text_;
};

}  // namespace xml
