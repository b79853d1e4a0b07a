//===- Regex.cpp - The regular expressions of tokenizer files -------------===//

#include "kernelforge/Runtime/Regex.h"

#include "kernelforge/Runtime/Unicode.h"

#include <cctype>

using namespace kernelforge::runtime;

namespace {

/// JavaScript's \s: WhiteSpace and LineTerminator (U+FEFF in, U+0085 out).
bool isJsSpace(uint32_t cp) {
  return (cp >= 0x9 && cp <= 0xD) || cp == 0x20 || cp == 0xA0 ||
         cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
         cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000 ||
         cp == 0xFEFF;
}
bool isLineTerminator(uint32_t cp) {
  return cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029;
}
bool isAsciiLetter(uint32_t cp) {
  return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

enum class Predicate { None, Letter, Number, Space, Digit, Word };

bool holds(Predicate p, uint32_t cp) {
  switch (p) {
  case Predicate::Letter:
    return isLetter(cp);
  case Predicate::Number:
    return isNumber(cp);
  case Predicate::Space:
    return isJsSpace(cp);
  case Predicate::Digit:
    return cp >= '0' && cp <= '9';
  case Predicate::Word:
    return cp == '_' || (cp >= '0' && cp <= '9') || isAsciiLetter(cp);
  case Predicate::None:
    break;
  }
  return false;
}

/// One member of a class: a range, or a (possibly negated) predicate.
struct ClassItem {
  uint32_t lo = 0, hi = 0;
  Predicate predicate = Predicate::None;
  bool negated = false;
  bool matches(uint32_t cp) const {
    if (predicate == Predicate::None)
      return cp >= lo && cp <= hi;
    return holds(predicate, cp) != negated;
  }
};

struct CharClass {
  std::vector<ClassItem> items;
  bool negated = false, caseless = false;
  bool contains(uint32_t cp) const {
    for (const ClassItem &item : items)
      if (item.matches(cp))
        return true;
    return false;
  }
  bool matches(uint32_t cp) const {
    bool in = contains(cp) || (caseless && isAsciiLetter(cp) &&
                               contains(cp ^ 0x20));
    return in != negated;
  }
};

struct Node {
  enum Kind { Empty, Char, Class, Any, Concat, Alt, Repeat, Look, Start, End };
  Kind kind = Empty;
  uint32_t c = 0;
  bool caseless = false, greedy = true, negative = false;
  int cls = -1, min = 0, max = 0; // max -1: unbounded
  std::vector<Node> kids;
};

enum class Op : uint8_t {
  Char, Class, Any, Split, Jmp, Look, LookEnd, Start, End, Match
};
struct Inst {
  Op op;
  uint32_t c = 0;
  bool caseless = false, negative = false;
  int x = 0, y = 0; // Split: x first, then y; Jmp/Look: continue at x
  uint32_t slot = 0; // Look: which of the program's lookaheads
};

constexpr size_t kMaxProgram = 1 << 16;

class Parser {
public:
  Parser(const std::vector<uint32_t> &p, std::vector<CharClass> &classes)
      : p(p), classes(classes) {}

  bool parse(Node &root, std::string &error) {
    if (!alternation(root, false))
      return fail(error);
    if (i < p.size()) {
      message = "unbalanced ')'";
      return fail(error);
    }
    return true;
  }

private:
  bool fail(std::string &error) {
    error = message + " at character " + std::to_string(i) + " of the pattern";
    return false;
  }
  bool at(uint32_t c) const { return i < p.size() && p[i] == c; }
  bool unsupported(const std::string &what) {
    message = what + " is not supported";
    return false;
  }

  bool alternation(Node &out, bool caseless) {
    Node first;
    if (!sequence(first, caseless))
      return false;
    if (!at('|')) {
      out = std::move(first);
      return true;
    }
    out.kind = Node::Alt;
    out.kids.push_back(std::move(first));
    while (at('|')) {
      ++i;
      Node next;
      if (!sequence(next, caseless))
        return false;
      out.kids.push_back(std::move(next));
    }
    return true;
  }

  bool sequence(Node &out, bool caseless) {
    out.kind = Node::Concat;
    while (i < p.size() && p[i] != '|' && p[i] != ')') {
      Node atom;
      if (!this->atom(atom, caseless) || !quantifier(atom))
        return false;
      out.kids.push_back(std::move(atom));
    }
    return true;
  }

  bool number(int &value) {
    if (i >= p.size() || p[i] < '0' || p[i] > '9') {
      message = "expected a number";
      return false;
    }
    value = 0;
    while (i < p.size() && p[i] >= '0' && p[i] <= '9') {
      value = value * 10 + int(p[i++] - '0');
      if (value > 1000) {
        message = "repetition count over 1000";
        return false;
      }
    }
    return true;
  }

  bool quantifier(Node &atom) {
    if (i >= p.size())
      return true;
    int min, max;
    uint32_t c = p[i];
    if (c == '*' || c == '+' || c == '?') {
      ++i;
      min = c == '+' ? 1 : 0;
      max = c == '?' ? 1 : -1;
    } else if (c == '{') {
      ++i;
      if (!number(min))
        return false;
      max = min;
      if (at(',')) {
        ++i;
        max = -1;
        if (!at('}') && !number(max))
          return false;
      }
      if (!at('}')) {
        message = "expected '}'";
        return false;
      }
      ++i;
      if (max >= 0 && max < min) {
        message = "repetition {n,m} with m < n";
        return false;
      }
    } else {
      return true;
    }
    Node repeat;
    repeat.kind = Node::Repeat;
    repeat.min = min;
    repeat.max = max;
    if (at('?')) {
      ++i;
      repeat.greedy = false;
    }
    if (at('+'))
      return unsupported("a possessive quantifier");
    if (i < p.size() && (p[i] == '*' || p[i] == '+' || p[i] == '{')) {
      message = "nothing to repeat";
      return false;
    }
    repeat.kids.push_back(std::move(atom));
    atom = std::move(repeat);
    return true;
  }

  bool hex(int digits, uint32_t &value) {
    value = 0;
    for (int k = 0; k < digits; ++k, ++i) {
      if (i >= p.size() || !std::isxdigit(int(p[i] < 128 ? p[i] : 0))) {
        message = "expected a hexadecimal digit";
        return false;
      }
      uint32_t c = p[i];
      value = value * 16 + (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return true;
  }

  /// An escape after '\': a character, or a predicate in `item`.
  bool escape(ClassItem &item) {
    if (i >= p.size()) {
      message = "'\\' at the end of the pattern";
      return false;
    }
    uint32_t c = p[i++];
    auto predicate = [&](Predicate pred, bool negated) {
      item.predicate = pred;
      item.negated = negated;
      return true;
    };
    switch (c) {
    case 's': return predicate(Predicate::Space, false);
    case 'S': return predicate(Predicate::Space, true);
    case 'd': return predicate(Predicate::Digit, false);
    case 'D': return predicate(Predicate::Digit, true);
    case 'w': return predicate(Predicate::Word, false);
    case 'W': return predicate(Predicate::Word, true);
    case 'p':
    case 'P': {
      if (!at('{')) {
        message = "expected '{' after \\p";
        return false;
      }
      size_t close = i + 1;
      while (close < p.size() && p[close] != '}')
        ++close;
      if (close >= p.size()) {
        message = "unterminated \\p{";
        return false;
      }
      std::string name = encodeUtf8(p.data() + i + 1, p.data() + close);
      i = close + 1;
      if (name == "L" || name == "Letter")
        return predicate(Predicate::Letter, c == 'P');
      if (name == "N" || name == "Number")
        return predicate(Predicate::Number, c == 'P');
      return unsupported("the Unicode property \\p{" + name + "}");
    }
    case 'r': c = '\r'; break;
    case 'n': c = '\n'; break;
    case 't': c = '\t'; break;
    case 'f': c = '\f'; break;
    case 'v': c = '\v'; break;
    case '0': c = 0; break;
    case 'x':
      if (!hex(2, c))
        return false;
      break;
    case 'u':
      if (at('{')) {
        ++i;
        c = 0;
        size_t start = i;
        while (i < p.size() && p[i] != '}') {
          uint32_t digit;
          if (!hex(1, digit))
            return false;
          c = c * 16 + digit;
          if (c > 0x10FFFF) {
            message = "code point out of range";
            return false;
          }
        }
        if (!at('}') || i == start) {
          message = "malformed \\u{...}";
          return false;
        }
        ++i;
      } else if (!hex(4, c)) {
        return false;
      }
      break;
    case 'b':
    case 'B':
      return unsupported("a word boundary (\\b, \\B)");
    default:
      if (c < 128 && std::isalnum(int(c)))
        return unsupported(std::string("the escape \\") + char(c));
      break; // an escaped punctuation character stands for itself
    }
    item.lo = item.hi = c;
    return true;
  }

  bool characterClass(Node &out, bool caseless) {
    ++i; // '['
    CharClass cls;
    cls.caseless = caseless;
    if (at('^')) {
      ++i;
      cls.negated = true;
    }
    while (!at(']')) {
      if (i >= p.size()) {
        message = "unterminated '['";
        return false;
      }
      ClassItem item;
      if (p[i] == '\\') {
        ++i;
        if (!escape(item))
          return false;
      } else {
        item.lo = item.hi = p[i++];
      }
      if (item.predicate == Predicate::None && at('-') && i + 1 < p.size() &&
          p[i + 1] != ']') {
        ++i;
        ClassItem last;
        if (p[i] == '\\') {
          ++i;
          if (!escape(last))
            return false;
        } else {
          last.lo = last.hi = p[i++];
        }
        if (last.predicate != Predicate::None || last.lo < item.lo) {
          message = "bad range in a class";
          return false;
        }
        item.hi = last.lo;
      }
      cls.items.push_back(item);
    }
    ++i; // ']'
    out.kind = Node::Class;
    out.cls = int(classes.size());
    classes.push_back(std::move(cls));
    return true;
  }

  bool atom(Node &out, bool caseless) {
    uint32_t c = p[i];
    switch (c) {
    case '(': {
      ++i;
      bool innerCaseless = caseless;
      Node *body = &out;
      Node look;
      if (at('?')) {
        ++i;
        if (at(':')) {
          ++i;
        } else if (at('i') && i + 1 < p.size() && p[i + 1] == ':') {
          i += 2;
          innerCaseless = true;
        } else if (at('=') || at('!')) {
          look.kind = Node::Look;
          look.negative = p[i] == '!';
          ++i;
          look.kids.emplace_back();
          body = &look.kids.back();
        } else if (at('<')) {
          return unsupported("lookbehind and named groups");
        } else {
          return unsupported("this group syntax");
        }
      }
      if (!alternation(*body, innerCaseless))
        return false;
      if (!at(')')) {
        message = "missing ')'";
        return false;
      }
      ++i;
      if (look.kind == Node::Look)
        out = std::move(look);
      return true;
    }
    case '[':
      return characterClass(out, caseless);
    case '.':
      ++i;
      out.kind = Node::Any;
      return true;
    case '^':
      ++i;
      out.kind = Node::Start;
      return true;
    case '$':
      ++i;
      out.kind = Node::End;
      return true;
    case '*':
    case '+':
    case '?':
    case '{':
      message = "nothing to repeat";
      return false;
    case '\\': {
      ++i;
      if (i < p.size() && p[i] >= '1' && p[i] <= '9')
        return unsupported("a backreference");
      ClassItem item;
      if (!escape(item))
        return false;
      if (item.predicate != Predicate::None) {
        CharClass cls;
        cls.items.push_back(item);
        out.kind = Node::Class;
        out.cls = int(classes.size());
        classes.push_back(std::move(cls));
        return true;
      }
      out.kind = Node::Char;
      out.c = item.lo;
      out.caseless = caseless;
      return true;
    }
    default:
      ++i;
      out.kind = Node::Char;
      out.c = c;
      out.caseless = caseless;
      return true;
    }
  }

  const std::vector<uint32_t> &p;
  std::vector<CharClass> &classes;
  size_t i = 0;
  std::string message;
};

} // namespace

struct Regex::Program {
  std::vector<Inst> code;
  std::vector<CharClass> classes;
  size_t lookaheads = 0;

  size_t emit(Inst inst) {
    code.push_back(inst);
    return code.size() - 1;
  }

  bool generate(const Node &n) {
    if (code.size() > kMaxProgram)
      return false;
    switch (n.kind) {
    case Node::Empty:
      break;
    case Node::Char:
      emit({Op::Char, n.c, n.caseless});
      break;
    case Node::Class: {
      Inst inst{Op::Class};
      inst.x = n.cls;
      emit(inst);
      break;
    }
    case Node::Any:
      emit({Op::Any});
      break;
    case Node::Start:
      emit({Op::Start});
      break;
    case Node::End:
      emit({Op::End});
      break;
    case Node::Concat:
      for (const Node &kid : n.kids)
        if (!generate(kid))
          return false;
      break;
    case Node::Alt: {
      std::vector<size_t> jumps;
      for (size_t k = 0; k < n.kids.size(); ++k) {
        if (k + 1 == n.kids.size())
          return generate(n.kids[k]) && patch(jumps);
        size_t split = emit({Op::Split});
        code[split].x = int(code.size());
        if (!generate(n.kids[k]))
          return false;
        jumps.push_back(emit({Op::Jmp}));
        code[split].y = int(code.size());
      }
      break;
    }
    case Node::Repeat: {
      for (int k = 0; k < n.min; ++k)
        if (!generate(n.kids[0]))
          return false;
      std::vector<size_t> splits;
      if (n.max < 0) {
        size_t loop = emit({Op::Split});
        if (!generate(n.kids[0]))
          return false;
        Inst back{Op::Jmp};
        back.x = int(loop);
        emit(back);
        order(loop, loop + 1, code.size(), n.greedy);
        break;
      }
      for (int k = n.min; k < n.max; ++k) {
        splits.push_back(emit({Op::Split}));
        if (!generate(n.kids[0]))
          return false;
      }
      for (size_t split : splits)
        order(split, split + 1, code.size(), n.greedy);
      break;
    }
    case Node::Look: {
      Inst look{Op::Look};
      look.negative = n.negative;
      look.slot = uint32_t(lookaheads++);
      size_t at = emit(look);
      if (!generate(n.kids[0]))
        return false;
      emit({Op::LookEnd});
      code[at].x = int(code.size());
      break;
    }
    }
    return code.size() <= kMaxProgram;
  }

  bool patch(const std::vector<size_t> &jumps) {
    for (size_t jump : jumps)
      code[jump].x = int(code.size());
    return true;
  }
  void order(size_t split, size_t body, size_t out, bool greedy) {
    code[split].x = int(greedy ? body : out);
    code[split].y = int(greedy ? out : body);
  }

  /// The states of one search, in a bit set cleared after it: those from
  /// state `first` on (a lookahead's body starts there).
  struct BitSeen {
    std::vector<uint64_t> bits;
    std::vector<size_t> touched;
    size_t first = 0;
    bool insert(size_t s) {
      s -= first;
      uint64_t &word = bits[s >> 6], bit = uint64_t(1) << (s & 63);
      if (word & bit)
        return false;
      if (!word)
        touched.push_back(s >> 6);
      word |= bit;
      return true;
    }
    void clear() {
      for (size_t w : touched)
        bits[w] = 0;
      touched.clear();
    }
  };

  /// What one search of a text keeps: whether each lookahead holds at each
  /// position, for those already searched (it depends on nothing else:
  /// there are no captures, so each is searched once per text however many
  /// paths and starting positions reach it), and the steps taken against
  /// the limit.
  struct Search {
    /// Per (lookahead, position): 0 not searched yet, 1 holds, 2 fails.
    std::vector<uint8_t> looks;
    /// The states of each lookahead's body while it is searched (a body
    /// never contains its own lookahead), made on first use and as large as
    /// the body.
    std::vector<BitSeen> lookSeen;
    uint64_t steps = 0, limit = 0;
    bool overLimit() const { return steps > limit; }
  };
  /// A bit set for every state of the program over a text of `textSize`.
  BitSeen allStates(size_t textSize) const {
    BitSeen seen;
    seen.bits.assign((code.size() * (textSize + 1) + 63) / 64, 0);
    return seen;
  }
  Search startSearch(size_t textSize) const {
    Search search;
    search.looks.assign(lookaheads * (textSize + 1), 0);
    search.lookSeen.resize(lookaheads);
    search.limit = stepLimit(textSize);
    return search;
  }
  /// Steps a search may take: kStepsPerState for each (instruction,
  /// position) state. GPT-2's and Llama 3's patterns take under 10 steps a
  /// character (over a million characters of prose and of long runs of
  /// spaces, newlines, digits and letters), 60 times below it; a
  /// lookahead's body is searched afresh from each position, which nested
  /// lookaheads over repetitions make quadratic in the text (found by the
  /// regex fuzz target: `(?!\S+(?!\S+)b)` took 10 s over 400 characters).
  static constexpr uint64_t kStepsPerState = 8;
  uint64_t stepLimit(size_t textSize) const {
    return kStepsPerState * code.size() * (textSize + 1) + (1u << 20);
  }

  /// The depth-first search from (pc, pos): the position where it reaches
  /// Match (or, in a lookahead, its LookEnd), or -1 (also when the search
  /// passes its step limit). `seen` records the states tried.
  long run(const std::vector<uint32_t> &text, size_t startPc, size_t pos,
           BitSeen &seen, Search &search) const {
    size_t n = text.size();
    std::vector<std::pair<size_t, size_t>> stack{{startPc, pos}};
    while (!stack.empty()) {
      auto [pc, p] = stack.back();
      stack.pop_back();
      while (seen.insert(pc * (n + 1) + p)) {
        if (++search.steps > search.limit)
          return -1;
        const Inst &in = code[pc];
        bool ok = false;
        switch (in.op) {
        case Op::Char:
          ok = p < n && (text[p] == in.c ||
                         (in.caseless && isAsciiLetter(in.c) &&
                          (text[p] | 0x20) == (in.c | 0x20)));
          break;
        case Op::Class:
          ok = p < n && classes[in.x].matches(text[p]);
          break;
        case Op::Any:
          ok = p < n && !isLineTerminator(text[p]);
          break;
        case Op::Split:
          stack.push_back({size_t(in.y), p});
          pc = in.x;
          continue;
        case Op::Jmp:
          pc = in.x;
          continue;
        case Op::Look: {
          uint8_t &known = search.looks[in.slot * (n + 1) + p];
          if (!known) {
            BitSeen &inner = search.lookSeen[in.slot];
            if (inner.bits.empty()) {
              // The body: pc + 1 up to its LookEnd, just before in.x.
              inner.first = (pc + 1) * (n + 1);
              inner.bits.assign(((in.x - pc - 1) * (n + 1) + 63) / 64, 0);
            }
            bool holds = run(text, pc + 1, p, inner, search) >= 0;
            inner.clear();
            if (search.overLimit())
              return -1;
            known = holds ? 1 : 2;
          }
          bool found = known == 1;
          if (found == in.negative)
            break;
          pc = in.x;
          continue;
        }
        case Op::LookEnd:
        case Op::Match:
          return long(p);
        case Op::Start:
          if (p == 0) {
            ++pc;
            continue;
          }
          break;
        case Op::End:
          if (p == n) {
            ++pc;
            continue;
          }
          break;
        }
        if (!ok)
          break;
        ++pc;
        ++p;
      }
    }
    return -1;
  }

};

Regex::~Regex() = default;

std::unique_ptr<Regex> Regex::compile(const std::string &pattern,
                                      std::string &error) {
  std::vector<uint32_t> cps;
  if (!decodeUtf8(pattern, cps, error)) {
    error = "the pattern is not valid UTF-8: " + error;
    return nullptr;
  }
  std::unique_ptr<Regex> re(new Regex());
  re->program = std::make_unique<Program>();
  Node root;
  if (!Parser(cps, re->program->classes).parse(root, error))
    return nullptr;
  if (!re->program->generate(root)) {
    error = "the pattern is too large";
    return nullptr;
  }
  re->program->emit({Op::Match});
  return re;
}

namespace {
std::string overLimit(size_t textSize) {
  return "the pattern needs too many steps on this text of " +
         std::to_string(textSize) +
         " characters (nested lookaheads over repetitions make it quadratic)";
}
} // namespace

long Regex::matchAt(const std::vector<uint32_t> &text, size_t pos,
                    std::string &error) const {
  Program::BitSeen seen = program->allStates(text.size());
  Program::Search search = program->startSearch(text.size());
  long end = program->run(text, 0, pos, seen, search);
  if (search.overLimit()) {
    error = overLimit(text.size());
    return -2;
  }
  return end;
}

bool Regex::findAll(const std::vector<uint32_t> &text,
                    std::vector<std::pair<size_t, size_t>> &matches,
                    std::string &error) const {
  matches.clear();
  Program::BitSeen seen = program->allStates(text.size());
  Program::Search search = program->startSearch(text.size());
  for (size_t pos = 0; pos < text.size();) {
    long end = program->run(text, 0, pos, seen, search);
    if (search.overLimit()) {
      error = overLimit(text.size());
      return false;
    }
    if (end > long(pos)) {
      matches.push_back({pos, size_t(end)});
      pos = size_t(end);
      // A state tried by a failed search fails from any start (nothing in
      // it depends on where the search began), so only a match, whose
      // search stopped part-way, clears them.
      seen.clear();
    } else {
      ++pos;
    }
  }
  return true;
}
