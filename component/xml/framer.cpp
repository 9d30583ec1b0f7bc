#include "xml/framer.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "xml/parser.hpp"

namespace xml {

namespace {

StreamError not_well_formed(std::string text) {
  return {"not-well-formed", std::move(text)};
}
StreamError restricted(std::string text) {
  return {"restricted-xml", std::move(text)};
}
StreamError policy(std::string text) {
  return {"policy-violation", std::move(text)};
}

bool is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
bool is_digit(unsigned char c) {
  return c >= '0' && c <= '9';
}
bool is_hex(unsigned char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
// XML 1.0 section 2.3 NameStartChar / NameChar. Every non-ASCII code point is accepted: the
// exact ranges would cost a table for no gain in safety (UTF-8 is validated separately).
bool is_name_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
}
bool is_name_char(unsigned char c) {
  return is_name_start(c) || is_digit(c) || c == '-' || c == '.';
}

// Namespaces in XML 1.0 section 3: a QName is NCName or NCName ':' NCName.
bool is_qname(std::string_view name) {
  auto colon = name.find(':');
  if (colon == std::string_view::npos) return true;
  return colon > 0 && colon + 1 < name.size() &&
         name.find(':', colon + 1) == std::string_view::npos &&
         !is_digit(static_cast<unsigned char>(name[colon + 1])) && name[colon + 1] != '-' &&
         name[colon + 1] != '.';
}

}  // namespace

StreamFramer::StreamFramer(Limits limits) : limits_(limits) {}

void StreamFramer::reset() {
  state_ = State::prolog;
  head_end_ = 0;
  in_element_ = false;
  delivered_ = false;
  skipping_ = false;
  fault_ = StanzaFault{};
  pending_ = std::string();
  buf_ = std::string();
  offset_ = 0;
  open_.clear();
  attributes_ = 0;
  match_ = 0;
  stream_open_ = false;
  stream_name_.clear();
  scope_.reset();
  utf8_.reset();
  error_.reset();
  ++epoch_;
}

std::optional<StreamError> StreamFramer::feed(std::string_view bytes, Handler& handler) {
  if (error_) return error_;
  if (!pending_.empty()) {  // paused: what came later waits behind what was kept
    pending_.append(bytes);
    return resume(handler);
  }
  return consume(bytes, handler);
}

std::optional<StreamError> StreamFramer::resume(Handler& handler) {
  if (error_) return error_;
  const std::string rest = std::exchange(pending_, std::string());
  return consume(rest, handler);
}

std::optional<StreamError> StreamFramer::consume(std::string_view bytes, Handler& handler) {
  const unsigned epoch = epoch_;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    auto c = static_cast<unsigned char>(bytes[i]);
    std::optional<StreamError> err;
    if (skipping_) {
      skip(c, handler);
    } else if (!utf8_.feed(c)) {
      // RFC 6120 section 11.6: UTF-8 only; XML 1.0 section 2.2: no control characters.
      err = stanza_fault_at(Fault::malformed, "invalid UTF-8 or a character not allowed in XML", c,
                            handler);
    } else {
      err = step(c, handler);
    }
    if (epoch != epoch_) return std::nullopt;  // the handler reset us: this stream is over
    if (err) {
      error_ = err;
      state_ = State::failed;
      buf_ = std::string();
      return err;
    }
    ++offset_;
    if (std::exchange(delivered_, false) && handler.paused()) {
      pending_.assign(bytes.substr(i + 1));
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<StreamError> StreamFramer::stanza_fault(Fault kind, std::string text,
                                                      StanzaSkipper::At at) {
  if (!in_unit()) {
    switch (kind) {
      case Fault::limit:
        return policy(std::move(text));
      case Fault::malformed:
        return not_well_formed(std::move(text));
      case Fault::restricted:
        return restricted(std::move(text));
    }
  }
  fault_.head = fault_head(std::string_view(buf_).substr(0, head_end_));
  fault_.condition = kind == Fault::limit ? "policy-violation" : "not-acceptable";
  fault_.text = std::move(text);
  skipper_.start(at, open_.size(), quote_);
  skipping_ = true;
  in_element_ = false;
  buf_ = std::string();
  open_.clear();
  return std::nullopt;
}

std::optional<StreamError> StreamFramer::stanza_fault_at(Fault kind, std::string text,
                                                         unsigned char c, Handler& handler) {
  const StanzaSkipper::At at = skip_entry();
  if (auto e = stanza_fault(kind, std::move(text), at)) return e;
  skip(c, handler);  // the byte that broke the rule may itself end the stanza
  return std::nullopt;
}

// Where the skipper resumes, for a fault found before the lexer took the current byte.
StanzaSkipper::At StreamFramer::skip_entry() const {
  using At = StanzaSkipper::At;
  switch (state_) {
    case State::reference:
    case State::entity_name:
    case State::char_ref:
    case State::char_ref_digits:
      return ref_return_ == State::attr_value ? At::quoted : At::text;
    case State::tag_open:
      return At::lt;
    case State::start_name:
    case State::in_start_tag:
    case State::attr_name:
    case State::after_attr_name:
    case State::before_attr_value:
    case State::after_attr_value:
      return At::start_tag;
    case State::attr_value:
      return At::quoted;
    case State::empty_close:
      return At::start_slash;
    case State::end_name:
    case State::after_end_name:
      return At::end_tag;
    case State::bang:
      return match_ > 0 ? At::cdata : At::bang;
    case State::cdata:
      return At::cdata;
    default:
      return At::text;
  }
}

void StreamFramer::skip(unsigned char c, Handler& handler) {
  if (!skipper_.step(c)) return;
  skipping_ = false;
  state_ = State::content;
  utf8_.reset();
  head_end_ = 0;
  delivered_ = true;
  handler.on_stanza_fault(std::exchange(fault_, StanzaFault{}));
}

// The top-level start tag as far as it was read, closed and parsed, keeping only what
// addresses a reply. None when even that much is not well-formed.
std::optional<Element> StreamFramer::fault_head(std::string_view text) const {
  if (text.empty()) return std::nullopt;
  auto parsed = parse_stanza(std::string(text) + "/>", *scope_);
  auto* full = std::get_if<Element>(&parsed);
  if (full == nullptr) return std::nullopt;
  Element head(full->name(), full->ns());
  for (const char* name : {"from", "to", "id", "type"}) {
    if (const std::string* v = full->attr(name)) head.set_attr(name, *v);
  }
  return head;
}

// One byte of the lexer. Every byte of a header or stanza is appended to buf_ first, so that
// names can be compared and the complete text handed to the parser.
std::optional<StreamError> StreamFramer::step(unsigned char c, Handler& handler) {
  if (!buf_.empty()) {
    if (buf_.size() >= limits_.max_stanza_bytes) {
      return stanza_fault_at(
          Fault::limit, "stanza larger than " + std::to_string(limits_.max_stanza_bytes) + " bytes",
          c, handler);
    }
    buf_.push_back(static_cast<char>(c));
  }
  switch (state_) {
    case State::prolog:
    case State::closed:
      if (is_space(c)) return std::nullopt;
      if (c == '<' && state_ == State::prolog) {
        buf_.push_back('<');
        state_ = State::tag_open;
        return std::nullopt;
      }
      return not_well_formed(state_ == State::prolog ? "text before the stream header"
                                                     : "data after the stream closed");

    case State::decl_target:  // "<?" at the very start: only "<?xml " may follow
      if (match_ < 3 && c == static_cast<unsigned char>("xml"[match_])) {
        ++match_;
      } else if (match_ == 3 && is_space(c)) {
        state_ = State::decl;
      } else {
        return restricted("processing instruction");  // RFC 6120 section 11.1
      }
      return std::nullopt;

    case State::decl:
      if (c == '>' && buf_[buf_.size() - 2] == '?') {
        if (auto e = check_declaration()) return e;
        buf_.clear();
        state_ = State::prolog;
      }
      return std::nullopt;

    case State::content:
      if (!in_stanza()) {
        // Between stanzas only whitespace (keepalives, RFC 6120 section 4.6.1) may appear.
        if (is_space(c)) return std::nullopt;
        if (c != '<') return StreamError{"bad-format", "text outside a stanza"};
        buf_.push_back('<');
        state_ = State::tag_open;
      } else if (c == '<') {
        state_ = State::tag_open;
      } else if (c == '&') {
        ref_return_ = State::content;
        state_ = State::reference;
      } else if (c == '>' && buf_.ends_with("]]>")) {
        return not_well_formed("']]>' in text");  // XML 1.0 section 2.4
      }
      return std::nullopt;

    case State::tag_open:
      if (c == '/') {
        if (!stream_open_) return not_well_formed("end tag before the stream header");
        name_start_ = buf_.size();
        state_ = State::end_name;
      } else if (c == '?') {
        if (offset_ == 1) {  // XML 1.0 section 2.8: the declaration comes first or not at all
          match_ = 0;
          state_ = State::decl_target;
        } else {
          // RFC 6120 section 11.1
          return stanza_fault(Fault::restricted, "processing instruction", StanzaSkipper::At::pi);
        }
      } else if (c == '!') {
        match_ = 0;
        state_ = State::bang;
      } else if (is_name_start(c)) {
        name_start_ = buf_.size() - 1;
        attributes_ = 0;
        state_ = State::start_name;
        if (stream_open_) in_element_ = true;
      } else {
        return not_well_formed("bad character after '<'");
      }
      return std::nullopt;

    case State::bang: {
      // RFC 6120 section 11.1 forbids comments and DTDs; CDATA sections are ordinary XML
      // that the RFC does not forbid, so they are accepted inside stanzas as text.
      static constexpr std::string_view kCdata = "[CDATA[";
      if (c == static_cast<unsigned char>(kCdata[match_])) {
        if (++match_ < kCdata.size()) return std::nullopt;
        if (!in_stanza()) return StreamError{"bad-format", "CDATA outside a stanza"};
        state_ = State::cdata;
        return std::nullopt;
      }
      if (match_ == 0 && (c == '-' || c == 'D')) {
        return stanza_fault(Fault::restricted, "comment or DTD",
                            c == '-' ? StanzaSkipper::At::comment : StanzaSkipper::At::declaration);
      }
      return not_well_formed("bad markup after '<!'");
    }

    case State::cdata:
      if (c == '>' && buf_.ends_with("]]>")) state_ = State::content;
      return std::nullopt;

    case State::start_name:
      if (is_name_char(c)) return std::nullopt;
      if (auto e = end_name()) return e;
      if (is_space(c)) {
        state_ = State::in_start_tag;
      } else if (c == '>') {
        return finish_start_tag(false, handler);
      } else if (c == '/') {
        state_ = State::empty_close;
      } else {
        return not_well_formed("bad character in element name");
      }
      return std::nullopt;

    case State::in_start_tag:
      if (is_space(c)) return std::nullopt;
      if (c == '>') return finish_start_tag(false, handler);
      if (c == '/') {
        state_ = State::empty_close;
      } else if (is_name_start(c)) {
        if (++attributes_ > limits_.max_attributes) {
          return stanza_fault(
              Fault::limit,
              "more than " + std::to_string(limits_.max_attributes) + " attributes on one element",
              StanzaSkipper::At::start_tag);
        }
        name_start_ = buf_.size() - 1;
        state_ = State::attr_name;
      } else {
        return not_well_formed("bad character in start tag");
      }
      return std::nullopt;

    case State::attr_name:
      if (is_name_char(c)) return std::nullopt;
      if (!is_qname(std::string_view(buf_).substr(name_start_, buf_.size() - 1 - name_start_))) {
        return not_well_formed("malformed attribute name");
      }
      if (c == '=') {
        state_ = State::before_attr_value;
      } else if (is_space(c)) {
        state_ = State::after_attr_name;
      } else {
        return not_well_formed("attribute without value");
      }
      return std::nullopt;

    case State::after_attr_name:
      if (c == '=') state_ = State::before_attr_value;
      if (c == '=' || is_space(c)) return std::nullopt;
      return not_well_formed("attribute without value");

    case State::before_attr_value:
      if (c == '\'' || c == '"') {
        quote_ = static_cast<char>(c);
        state_ = State::attr_value;
      } else if (!is_space(c)) {
        return not_well_formed("unquoted attribute value");
      }
      return std::nullopt;

    case State::attr_value:
      if (c == static_cast<unsigned char>(quote_)) {
        state_ = State::after_attr_value;
        if (open_.empty()) head_end_ = buf_.size();  // the stanza's own attribute, complete
      } else if (c == '<') {
        return not_well_formed("'<' in attribute value");  // XML 1.0 3.1 WFC No < in Attr
      } else if (c == '&') {
        ref_return_ = State::attr_value;
        state_ = State::reference;
      }
      return std::nullopt;

    case State::after_attr_value:
      if (is_space(c)) {
        state_ = State::in_start_tag;
      } else if (c == '>') {
        return finish_start_tag(false, handler);
      } else if (c == '/') {
        state_ = State::empty_close;
      } else {
        return not_well_formed("no whitespace between attributes");
      }
      return std::nullopt;

    case State::empty_close:
      if (c == '>') return finish_start_tag(true, handler);
      return not_well_formed("'/' not followed by '>'");

    case State::end_name:
      if (buf_.size() - 1 == name_start_ ? is_name_start(c) : is_name_char(c)) {
        return std::nullopt;
      }
      if (buf_.size() - 1 == name_start_) return not_well_formed("empty end tag");
      name_ = {name_start_, buf_.size() - 1 - name_start_};
      if (c == '>') return finish_end_tag(handler);
      if (!is_space(c)) return not_well_formed("bad character in end tag");
      state_ = State::after_end_name;
      return std::nullopt;

    case State::after_end_name:
      if (c == '>') return finish_end_tag(handler);
      if (is_space(c)) return std::nullopt;
      return not_well_formed("bad character in end tag");

    case State::reference:
      if (c == '#') {
        state_ = State::char_ref;
      } else if (is_name_start(c)) {
        name_start_ = buf_.size() - 1;
        state_ = State::entity_name;
      } else {
        return not_well_formed("'&' not starting a reference");
      }
      return std::nullopt;

    case State::entity_name: {
      if (is_name_char(c)) return std::nullopt;
      if (c != ';') return not_well_formed("unterminated entity reference");
      static constexpr std::array<std::string_view, 5> kPredefined{"lt", "gt", "amp", "apos",
                                                                   "quot"};
      auto name = std::string_view(buf_).substr(name_start_, buf_.size() - 1 - name_start_);
      if (std::find(kPredefined.begin(), kPredefined.end(), name) == kPredefined.end()) {
        // RFC 6120 section 11.1: only the predefined entities may be referenced.
        return stanza_fault(
            Fault::restricted, "entity reference &" + std::string(name) + ";",
            ref_return_ == State::attr_value ? StanzaSkipper::At::quoted : StanzaSkipper::At::text);
      }
      state_ = ref_return_;
      return std::nullopt;
    }

    case State::char_ref:
      hex_ = c == 'x';
      match_ = 0;  // digits seen
      char_ref_ = 0;
      state_ = State::char_ref_digits;
      if (hex_) return std::nullopt;
      [[fallthrough]];

    case State::char_ref_digits:
      if (hex_ ? is_hex(c) : is_digit(c)) {
        std::uint32_t d = is_digit(c) ? c - '0' : (c | 0x20u) - 'a' + 10;
        // Saturate: anything above U+10FFFF is invalid however many digits follow.
        char_ref_ = std::min<std::uint32_t>(char_ref_ * (hex_ ? 16 : 10) + d, 0x110000);
        ++match_;
        return std::nullopt;
      }
      if (c != ';' || match_ == 0) return not_well_formed("malformed character reference");
      // XML 1.0 section 4.1 WFC Legal Character.
      if (!is_xml_char(char_ref_)) {
        return stanza_fault(
            Fault::malformed, "reference to a non-XML character",
            ref_return_ == State::attr_value ? StanzaSkipper::At::quoted : StanzaSkipper::At::text);
      }
      state_ = ref_return_;
      return std::nullopt;

    case State::failed:
      break;
  }
  return error_;
}

std::optional<StreamError> StreamFramer::end_name() {
  name_ = {name_start_, buf_.size() - 1 - name_start_};
  if (open_.empty()) head_end_ = name_.offset + name_.size;  // the stanza's own name
  if (!is_qname(std::string_view(buf_).substr(name_.offset, name_.size))) {
    return not_well_formed("malformed element name");
  }
  return std::nullopt;
}

std::optional<StreamError> StreamFramer::finish_start_tag(bool empty, Handler& handler) {
  state_ = State::content;
  if (!stream_open_) return open_stream(empty, handler);
  open_.push_back(name_);
  if (open_.size() > limits_.max_depth) {
    if (empty) open_.pop_back();  // closed already: the skip resumes outside it
    return stanza_fault(Fault::limit,
                        "elements nested deeper than " + std::to_string(limits_.max_depth),
                        StanzaSkipper::At::text);
  }
  if (empty) return finish_element(handler);
  return std::nullopt;
}

std::optional<StreamError> StreamFramer::finish_end_tag(Handler& handler) {
  state_ = State::content;
  auto name = std::string_view(buf_).substr(name_.offset, name_.size);
  if (!in_stanza()) {
    if (name != stream_name_) return not_well_formed("end tag does not match the stream");
    buf_.clear();
    state_ = State::closed;
    handler.on_stream_close();
    return std::nullopt;
  }
  const NameRef& open = open_.back();
  if (name != std::string_view(buf_).substr(open.offset, open.size)) {
    return not_well_formed("end tag does not match start tag");  // XML 1.0 WFC Element Type Match
  }
  return finish_element(handler);
}

std::optional<StreamError> StreamFramer::finish_element(Handler& handler) {
  open_.pop_back();
  if (in_stanza()) return std::nullopt;
  // The parse is in place and destroys the text: keep the head for a fault reply.
  head_text_.assign(buf_, 0, std::exchange(head_end_, 0));
  in_element_ = false;
  std::string text = std::move(buf_);
  buf_.clear();
  delivered_ = true;
  auto parsed = parse_stanza(std::move(text), *scope_);
  if (auto* e = std::get_if<StreamError>(&parsed)) {
    // The stanza's boundaries are known, so the stream is intact: only it is refused.
    handler.on_stanza_fault(StanzaFault{fault_head(head_text_), "not-acceptable", e->text});
    return std::nullopt;
  }
  handler.on_stanza(std::move(std::get<Element>(parsed)));
  return std::nullopt;
}

std::optional<StreamError> StreamFramer::open_stream(bool empty, Handler& handler) {
  stream_name_ = buf_.substr(name_.offset, name_.size);
  head_end_ = 0;
  auto parsed = parse_stream_header(std::move(buf_));
  buf_.clear();
  if (auto* e = std::get_if<StreamError>(&parsed)) return *e;
  auto& header = std::get<StreamHeader>(parsed);
  if (!header.element.is("stream", kStreamNs)) {
    // RFC 6120 section 4.9.3.10
    return StreamError{"invalid-namespace",
                       "the stream element must be {" + std::string(kStreamNs) + "}stream"};
  }
  scope_ = std::make_shared<const NamespaceContext>(std::move(header.scope));
  stream_open_ = true;
  if (empty) state_ = State::closed;
  const unsigned epoch = epoch_;
  handler.on_stream_open(header.element);
  if (empty && epoch == epoch_) handler.on_stream_close();
  return std::nullopt;
}

// RFC 6120 section 11.6: the stream is UTF-8; a declaration naming another encoding is
// answered with unsupported-encoding (section 4.9.3.22).
std::optional<StreamError> StreamFramer::check_declaration() const {
  auto at = buf_.find("encoding");
  if (at == std::string::npos) return std::nullopt;
  auto open = buf_.find_first_of("'\"", at);
  if (open == std::string::npos) return not_well_formed("malformed XML declaration");
  auto close = buf_.find(buf_[open], open + 1);
  if (close == std::string::npos) return not_well_formed("malformed XML declaration");
  std::string enc = buf_.substr(open + 1, close - open - 1);
  std::transform(enc.begin(), enc.end(), enc.begin(), [](char ch) {
    return ch >= 'a' && ch <= 'z' ? static_cast<char>(ch - 'a' + 'A') : ch;
  });
  if (enc != "UTF-8") return StreamError{"unsupported-encoding", "encoding " + enc};
  return std::nullopt;
}

}  // namespace xml
