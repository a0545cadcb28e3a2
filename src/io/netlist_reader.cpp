#include "tessera/io/netlist_reader.h"

#include <algorithm>
#include <cctype>
#include <memory>
#include <sstream>

#include "tessera/core/atomic_file.h"
#include "tessera/core/error.h"
#include "tessera/core/text_reader.h"
#include "tessera/problems/chip_canvas.h"

namespace tessera::chip {
namespace {

/// Token of the text-proto subset: identifiers/numbers (kWord), strings, '{', '}', ':'.
struct Token {
  enum Kind { kEnd, kWord, kString, kOpen, kClose, kColon } kind = kEnd;
  std::string text;
  int64_t line = 0;
};

/// Pulls tokens line by line from a source (file through TextReader, or a string).
class Lexer {
 public:
  Lexer(std::string source, std::unique_ptr<TextReader> reader, const std::string* text)
      : source_(std::move(source)), reader_(std::move(reader)), text_(text) {}

  Token next() {
    if (has_peek_) {
      has_peek_ = false;
      return peek_;
    }
    return lex();
  }
  const Token& peek() {
    if (!has_peek_) {
      peek_ = lex();
      has_peek_ = true;
    }
    return peek_;
  }
  [[noreturn]] void fail(int64_t line, const std::string& msg) const { throw InputError(source_, line, msg); }
  const std::string& source() const { return source_; }
  /// "# FP bbox: {x0 y0 x1 y1}" (or "{x0 y0} {x1 y1}") comment of flat netlists, when present.
  std::vector<double> bbox;

 private:
  void parse_bbox(const std::string& rest) {
    std::string t = rest;
    for (char& c : t)
      if (c == '{' || c == '}' || c == ':' || c == ',') c = ' ';
    std::vector<std::string_view> f;
    split_ws(t, f);
    std::vector<double> v;
    for (auto x : f) {
      double d;
      if (parse_double(x, d)) v.push_back(d);
    }
    if (v.size() == 4) bbox = v;
  }

  bool next_line() {
    if (reader_) {
      if (!reader_->next_line(line_)) return false;
      line_no_ = reader_->line_number();
    } else {
      if (text_pos_ >= text_->size()) return false;
      size_t e = text_->find('\n', text_pos_);
      if (e == std::string::npos) e = text_->size();
      line_.assign(*text_, text_pos_, e - text_pos_);
      if (!line_.empty() && line_.back() == '\r') line_.pop_back();
      text_pos_ = e + 1;
      ++line_no_;
    }
    pos_ = 0;
    return true;
  }

  Token lex() {
    for (;;) {
      while (pos_ < line_.size() && std::isspace(static_cast<unsigned char>(line_[pos_]))) ++pos_;
      if (pos_ >= line_.size() || line_[pos_] == '#') {
        if (pos_ < line_.size() && line_.compare(pos_, 9, "# FP bbox") == 0) parse_bbox(line_.substr(pos_ + 9));
        if (!next_line()) return Token{Token::kEnd, "", line_no_};
        continue;
      }
      break;
    }
    Token t;
    t.line = line_no_;
    char c = line_[pos_];
    if (c == '{') { ++pos_; t.kind = Token::kOpen; return t; }
    if (c == '}') { ++pos_; t.kind = Token::kClose; return t; }
    if (c == ':') { ++pos_; t.kind = Token::kColon; return t; }
    if (c == '"' || c == '\'') {
      const char quote = c;
      ++pos_;
      t.kind = Token::kString;
      while (pos_ < line_.size() && line_[pos_] != quote) {
        if (line_[pos_] == '\\' && pos_ + 1 < line_.size()) {
          char e = line_[pos_ + 1];
          t.text.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e);
          pos_ += 2;
        } else {
          t.text.push_back(line_[pos_++]);
        }
      }
      if (pos_ >= line_.size()) fail(line_no_, "unterminated string");
      ++pos_;
      return t;
    }
    size_t start = pos_;
    while (pos_ < line_.size()) {
      char d = line_[pos_];
      if (std::isspace(static_cast<unsigned char>(d)) || d == '{' || d == '}' || d == ':' || d == '"' || d == '#') break;
      ++pos_;
    }
    if (pos_ == start) fail(line_no_, std::string("unexpected character '") + c + "'");
    t.kind = Token::kWord;
    t.text.assign(line_, start, pos_ - start);
    return t;
  }

  std::string source_;
  std::unique_ptr<TextReader> reader_;
  const std::string* text_;
  size_t text_pos_ = 0;
  std::string line_;
  size_t pos_ = 0;
  int64_t line_no_ = 0;
  Token peek_;
  bool has_peek_ = false;
};

const char* kind_name(Token::Kind k) {
  switch (k) {
    case Token::kEnd: return "end of file";
    case Token::kWord: return "a name or number";
    case Token::kString: return "a quoted string";
    case Token::kOpen: return "'{'";
    case Token::kClose: return "'}'";
    case Token::kColon: return "':'";
  }
  return "?";
}

struct AttrValue {
  bool is_number = false;
  double number = 0;
  std::string text;
  int64_t line = 0;
};

struct RawNode {
  std::string name;
  int64_t line = 0;
  std::vector<std::pair<std::string, int64_t>> inputs;  // name, line
  std::vector<std::pair<std::string, AttrValue>> attrs;
  const AttrValue* attr(const std::string& key) const {
    for (const auto& kv : attrs)
      if (kv.first == key) return &kv.second;
    return nullptr;
  }
};

Token expect(Lexer& lx, Token::Kind kind, const std::string& context) {
  Token t = lx.next();
  if (t.kind != kind)
    lx.fail(t.line, "expected " + std::string(kind_name(kind)) + " " + context + ", found " +
                        (t.kind == Token::kWord || t.kind == Token::kString ? "'" + t.text + "'" : kind_name(t.kind)));
  return t;
}

/// Reads `value { placeholder: "..." | f: 1.5 | i: 3 | s: "..." | b: true }`.
AttrValue parse_value(Lexer& lx, const std::string& node, const std::string& key) {
  expect(lx, Token::kOpen, "after 'value' (attr '" + key + "' of node '" + node + "')");
  AttrValue v;
  bool have = false;
  for (;;) {
    Token t = lx.next();
    if (t.kind == Token::kClose) break;
    if (t.kind != Token::kWord)
      lx.fail(t.line, "expected a value type or '}' in attr '" + key + "' of node '" + node + "', found " +
                          kind_name(t.kind));
    const std::string type = t.text;
    if (type != "placeholder" && type != "f" && type != "i" && type != "s" && type != "b")
      lx.fail(t.line, "unknown attr value type '" + type + "' in attr '" + key + "' of node '" + node +
                          "' (expected placeholder, f, i, s or b)");
    expect(lx, Token::kColon, "after '" + type + "'");
    Token val = lx.next();
    v.line = val.line;
    if (type == "placeholder" || type == "s") {
      if (val.kind != Token::kString)
        lx.fail(val.line, "expected a quoted string for '" + type + "' of attr '" + key + "' of node '" + node + "'");
      v.text = val.text;
    } else if (type == "b") {
      if (val.kind != Token::kWord || (val.text != "true" && val.text != "false"))
        lx.fail(val.line, "expected true or false for attr '" + key + "' of node '" + node + "'");
      v.is_number = true;
      v.number = val.text == "true" ? 1 : 0;
    } else {
      double d;
      if (val.kind != Token::kWord || !parse_double(val.text, d))
        lx.fail(val.line, "expected a number for '" + type + "' of attr '" + key + "' of node '" + node + "', found '" +
                              val.text + "'");
      v.is_number = true;
      v.number = d;
    }
    have = true;
  }
  if (!have) lx.fail(lx.peek().line, "empty value of attr '" + key + "' of node '" + node + "'");
  return v;
}

bool parse_node(Lexer& lx, RawNode& node) {
  Token t = lx.next();
  if (t.kind == Token::kEnd) return false;
  if (t.kind != Token::kWord || t.text != "node")
    lx.fail(t.line, "expected 'node {', found " + (t.kind == Token::kWord ? "'" + t.text + "'" : std::string(kind_name(t.kind))));
  node = RawNode{};
  node.line = t.line;
  if (lx.peek().kind == Token::kColon) lx.next();
  expect(lx, Token::kOpen, "after 'node'");
  for (;;) {
    Token f = lx.next();
    if (f.kind == Token::kClose) break;
    if (f.kind == Token::kEnd)
      lx.fail(f.line, "unbalanced braces: end of file inside node '" + node.name + "' opened at line " +
                          std::to_string(node.line));
    if (f.kind != Token::kWord)
      lx.fail(f.line, "expected a field of node '" + node.name + "', found " + kind_name(f.kind));
    if (f.text == "name" || f.text == "input" || f.text == "op" || f.text == "device") {
      expect(lx, Token::kColon, "after '" + f.text + "'");
      Token s = expect(lx, Token::kString, "for '" + f.text + "' of node '" + node.name + "'");
      if (f.text == "name") node.name = s.text;
      else if (f.text == "input") node.inputs.emplace_back(s.text, s.line);
    } else if (f.text == "attr") {
      if (lx.peek().kind == Token::kColon) lx.next();
      expect(lx, Token::kOpen, "after 'attr' of node '" + node.name + "'");
      std::string key;
      AttrValue value;
      bool has_key = false, has_value = false;
      for (;;) {
        Token a = lx.next();
        if (a.kind == Token::kClose) break;
        if (a.kind == Token::kEnd)
          lx.fail(a.line, "unbalanced braces: end of file inside an attr of node '" + node.name + "'");
        if (a.kind == Token::kWord && a.text == "key") {
          expect(lx, Token::kColon, "after 'key'");
          key = expect(lx, Token::kString, "for 'key' of node '" + node.name + "'").text;
          has_key = true;
        } else if (a.kind == Token::kWord && a.text == "value") {
          if (lx.peek().kind == Token::kColon) lx.next();
          value = parse_value(lx, node.name, key);
          has_value = true;
        } else {
          lx.fail(a.line, "expected 'key' or 'value' in an attr of node '" + node.name + "', found " +
                              (a.kind == Token::kWord ? "'" + a.text + "'" : std::string(kind_name(a.kind))));
        }
      }
      if (!has_key || !has_value) lx.fail(f.line, "attr without key or value in node '" + node.name + "'");
      node.attrs.emplace_back(std::move(key), std::move(value));
    } else {
      lx.fail(f.line, "unknown field '" + f.text + "' in node '" + node.name +
                          "' (expected name, input or attr)");
    }
  }
  if (node.name.empty()) lx.fail(node.line, "node without a name");
  return true;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Netlist build(Lexer& lx) {
  Netlist nl;
  nl.set_source(lx.source());
  std::vector<std::vector<std::pair<std::string, int64_t>>> inputs;
  std::vector<int64_t> lines;
  std::vector<std::pair<std::string, int64_t>> pin_macro;  // macro name + line, per node ("" = none)
  RawNode raw;
  bool first = true;
  while (parse_node(lx, raw)) {
    if (first && raw.name == "__metadata__") {
      for (const auto& kv : raw.attrs)
        if (kv.second.is_number) nl.metadata()[kv.first] = kv.second.number;
      first = false;
      continue;
    }
    first = false;
    Node nd;
    nd.name = raw.name;
    const AttrValue* type = raw.attr("type");
    if (!type || type->is_number)
      lx.fail(raw.line, "node '" + raw.name + "' has no 'type' placeholder attr (expected MACRO, MACRO_PIN, PORT or STDCELL)");
    const std::string t = lower(type->text);
    auto num = [&](const char* key, bool required, double dflt) {
      const AttrValue* v = raw.attr(key);
      if (!v) {
        if (required) lx.fail(raw.line, std::string("node '") + raw.name + "' (" + type->text + ") lacks attr '" + key + "'");
        return dflt;
      }
      if (!v->is_number) lx.fail(v->line, std::string("attr '") + key + "' of node '" + raw.name + "' must be a number");
      return v->number;
    };
    std::string macro_name;
    int64_t macro_line = raw.line;
    if (t == "macro") {
      const bool soft = raw.name.rfind("Grp", 0) == 0;
      nd.type = soft ? NodeType::kSoftMacro : NodeType::kHardMacro;
      nd.width = num("width", true, 0);
      nd.height = num("height", true, 0);
      if (nd.width < 0 || nd.height < 0) lx.fail(raw.line, "negative size of macro '" + raw.name + "'");
      if (const AttrValue* o = raw.attr("orientation")) {
        if (o->is_number || !parse_orientation(o->text, nd.orientation))
          lx.fail(o->line, "orientation of macro '" + raw.name + "' must be one of N, FN, S, FS, E, FE, W, FW");
      }
    } else if (t == "macro_pin") {
      nd.type = NodeType::kHardMacroPin;  // soft/hard decided by the owner in finalize()
      const AttrValue* m = raw.attr("macro_name");
      if (!m || m->is_number) lx.fail(raw.line, "pin '" + raw.name + "' lacks a 'macro_name' placeholder attr");
      macro_name = m->text;
      macro_line = m->line;
      nd.x_offset = num("x_offset", false, 0);
      nd.y_offset = num("y_offset", false, 0);
    } else if (t == "port") {
      nd.type = NodeType::kPort;
      if (const AttrValue* s = raw.attr("side")) nd.side = s->text;
    } else if (t == "stdcell") {
      nd.type = NodeType::kStdCell;
      nd.width = num("width", false, 0);
      nd.height = num("height", false, 0);
    } else {
      lx.fail(type->line, "unknown node type '" + type->text + "' of node '" + raw.name +
                              "' (expected MACRO, MACRO_PIN, PORT or STDCELL)");
    }
    nd.has_position = raw.attr("x") && raw.attr("y");
    nd.x = num("x", false, 0);
    nd.y = num("y", false, 0);
    nd.weight = num("weight", false, 1.0);
    try {
      nl.add_node(std::move(nd));
    } catch (const InputError&) {
      lx.fail(raw.line, "duplicate node name '" + raw.name + "'");
    }
    inputs.push_back(std::move(raw.inputs));
    lines.push_back(raw.line);
    pin_macro.emplace_back(macro_name, macro_line);
  }
  const int64_t n = nl.num_nodes();
  for (int64_t i = 0; i < n; ++i) {
    if (pin_macro[i].first.empty()) continue;
    const int64_t m = nl.find(pin_macro[i].first);
    if (m < 0)
      lx.fail(pin_macro[i].second, "pin '" + nl.node(i).name + "' names macro '" + pin_macro[i].first +
                                       "', which is not in the netlist");
    if (!nl.node(m).is_macro())
      lx.fail(pin_macro[i].second, "pin '" + nl.node(i).name + "' names '" + pin_macro[i].first +
                                       "', which is a " + node_type_name(nl.node(m).type) + ", not a macro");
    nl.mutable_node(i).macro = m;
  }
  for (int64_t i = 0; i < n; ++i) {
    if (inputs[i].empty()) continue;
    Net net;
    net.driver = i;
    net.weight = nl.node(i).weight;
    net.sinks.reserve(inputs[i].size());
    for (const auto& in : inputs[i]) {
      const int64_t s = nl.find(in.first);
      if (s < 0)
        lx.fail(in.second, "input '" + in.first + "' of node '" + nl.node(i).name + "' names a missing node");
      net.sinks.push_back(s);
    }
    nl.add_net(std::move(net));
  }
  nl.finalize();
  if (n == 0) lx.fail(0, "no nodes in the netlist");
  if (lx.bbox.size() == 4 && lx.bbox[2] > lx.bbox[0] && lx.bbox[3] > lx.bbox[1]) {
    nl.metadata()["fp_bbox_width"] = lx.bbox[2] - lx.bbox[0];
    nl.metadata()["fp_bbox_height"] = lx.bbox[3] - lx.bbox[1];
    CanvasSpec spec = ChipCanvas::choose_grid(nl, false);  // grid size from the macro count
    spec.width = lx.bbox[2];
    spec.height = lx.bbox[3];
    nl.spec() = spec;
  }
  return nl;
}

}  // namespace

Netlist read_netlist(const std::string& path) {
  Lexer lx(path, std::make_unique<TextReader>(path), nullptr);
  return build(lx);
}

Netlist parse_netlist(const std::string& text, const std::string& source) {
  Lexer lx(source, nullptr, &text);
  return build(lx);
}

}  // namespace tessera::chip
