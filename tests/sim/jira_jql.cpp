// JQL parsing for the simulator: tokens, grammar, value checks. Evaluation is in jira_jql_eval.cpp.
#include "tests/sim/jira_jql.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace bzjira::sim::jirasim {

std::string jql_lower(std::string s);
bool jql_date_value(const std::string& text);    // jira_jql_eval.cpp
bool valid_day_offset(const std::string& text);  // jira_jql_eval.cpp

namespace {

struct Token {
  enum class Kind { word, string, op, lparen, rparen, comma, end } kind = Kind::end;
  std::string text;
  std::size_t at = 0;  // 1-based character position, for messages
};

const std::set<std::string> k_keywords = {"and",  "or",    "not", "in",  "is",  "empty",
                                          "null", "order", "by",  "asc", "desc"};

std::string where(const Token& t) { return " (line 1, character " + std::to_string(t.at) + ")"; }

std::pair<std::vector<Token>, std::string> tokenize(const std::string& s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    Token t;
    t.at = i + 1;
    if (c == '(' || c == ')' || c == ',') {
      t.kind = c == '(' ? Token::Kind::lparen : c == ')' ? Token::Kind::rparen : Token::Kind::comma;
      t.text = std::string(1, c);
      ++i;
    } else if (c == '"' || c == '\'') {
      t.kind = Token::Kind::string;
      ++i;
      bool closed = false;
      while (i < s.size()) {
        if (s[i] == '\\' && i + 1 < s.size()) {
          t.text += s[i + 1];
          i += 2;
        } else if (s[i] == c) {
          closed = true;
          ++i;
          break;
        } else {
          t.text += s[i++];
        }
      }
      if (!closed) {
        return {{},
                "Error in the JQL Query: The quoted string '" + t.text +
                    "' has not been completed." + where(t)};
      }
    } else if (c == '=' || c == '<' || c == '>' || c == '~' || c == '!') {
      t.kind = Token::Kind::op;
      t.text = std::string(1, c);
      ++i;
      if (i < s.size() && ((c != '=' && c != '~' && s[i] == '=') || (c == '!' && s[i] == '~'))) {
        t.text += s[i++];
      }
      if (t.text == "!") {
        return {
            {},
            "Error in the JQL Query: The character '!' is a reserved JQL character." + where(t)};
      }
    } else {
      t.kind = Token::Kind::word;
      while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])) &&
             std::string("()=,<>~!\"'").find(s[i]) == std::string::npos) {
        t.text += s[i++];
      }
    }
    out.push_back(t);
  }
  Token end;
  end.at = s.size() + 1;
  out.push_back(end);
  return {out, {}};
}

struct Field {
  const char* name;
  const char* canonical;
};
const Field k_fields[] = {{"project", "project"},
                          {"labels", "labels"},
                          {"status", "status"},
                          {"statuscategory", "statuscategory"},
                          {"resolution", "resolution"},
                          {"key", "key"},
                          {"issuekey", "key"},
                          {"id", "id"},
                          {"created", "created"},
                          {"createddate", "created"},
                          {"updated", "updated"},
                          {"updateddate", "updated"},
                          {"duedate", "duedate"},
                          {"due", "duedate"},
                          {"resolutiondate", "resolutiondate"},
                          {"resolved", "resolutiondate"},
                          {"summary", "summary"}};

bool is_date_field(const std::string& f) {
  return f == "created" || f == "updated" || f == "duedate" || f == "resolutiondate";
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, JqlQuery& q) : m_t(std::move(tokens)), m_q(q) {}

  std::string run() {
    if (!at_word("order")) {
      m_q.root = or_expr();
    }
    if (m_error.empty() && at_word("order")) {
      order_by();
    }
    if (m_error.empty() && peek().kind != Token::Kind::end) {
      fail("Expecting either 'OR' or 'AND' but got '" + peek().text + "'.");
    }
    return m_error;
  }

 private:
  const Token& peek() const { return m_t[std::min(m_i, m_t.size() - 1)]; }
  Token next() { return m_t[std::min(m_i++, m_t.size() - 1)]; }
  bool at_word(const char* w) const {
    return peek().kind == Token::Kind::word && jql_lower(peek().text) == w;
  }
  int fail(const std::string& message) {
    if (m_error.empty()) {
      m_error = "Error in the JQL Query: " + message + where(peek());
    }
    return -1;
  }
  int add(JqlQuery::Node node) {
    m_q.nodes.push_back(std::move(node));
    return static_cast<int>(m_q.nodes.size()) - 1;
  }

  int or_expr() {
    return chain("or", JqlQuery::Node::Kind::any, [this] { return and_expr(); });
  }
  int and_expr() {
    return chain("and", JqlQuery::Node::Kind::all, [this] { return unary(); });
  }

  template <typename Next>
  int chain(const char* word, JqlQuery::Node::Kind kind, Next next_part) {
    int first = next_part();
    if (first < 0 || !at_word(word)) {
      return first;
    }
    JqlQuery::Node node;
    node.kind = kind;
    node.children.push_back(first);
    while (m_error.empty() && at_word(word)) {
      next();
      const int part = next_part();
      if (part < 0) {
        return -1;
      }
      node.children.push_back(part);
    }
    return add(std::move(node));
  }

  int unary() {
    if (at_word("not")) {
      next();
      const int inner = unary();
      if (inner < 0) {
        return -1;
      }
      JqlQuery::Node node;
      node.kind = JqlQuery::Node::Kind::negate;
      node.children.push_back(inner);
      return add(std::move(node));
    }
    if (peek().kind == Token::Kind::lparen) {
      next();
      const int inner = or_expr();
      if (inner < 0) {
        return -1;
      }
      if (peek().kind != Token::Kind::rparen) {
        return fail("Expecting ')' but got '" + peek().text + "'.");
      }
      next();
      return inner;
    }
    return clause();
  }

  bool value(JqlQuery::Value& out) {
    const Token t = next();
    if (t.kind == Token::Kind::string) {
      out = {JqlQuery::Value::Kind::text, t.text, {}};
      return true;
    }
    if (t.kind != Token::Kind::word || t.text.empty()) {
      fail("Expecting a value but got '" + t.text + "'.");
      return false;
    }
    const std::string lower = jql_lower(t.text);
    if (lower == "empty" || lower == "null") {
      out = {JqlQuery::Value::Kind::empty, {}, {}};
      return true;
    }
    if (k_keywords.count(lower) != 0) {
      fail("Expecting a value but got the reserved word '" + t.text + "'.");
      return false;
    }
    if (peek().kind == Token::Kind::lparen) {
      next();
      std::string argument;
      // startOfDay/endOfDay take one optional offset, quoted or bare: "+1d", -2w, 3 (days).
      if (peek().kind == Token::Kind::string || peek().kind == Token::Kind::word) {
        argument = next().text;
        if (lower == "now" || !valid_day_offset(argument)) {
          fail("The JQL function '" + t.text + "' does not accept the argument '" + argument +
               "'.");
          return false;
        }
      }
      if (peek().kind != Token::Kind::rparen) {
        fail("Function arguments are not supported here.");
        return false;
      }
      next();
      if (lower != "now" && lower != "startofday" && lower != "endofday") {
        fail("Unable to find JQL function '" + t.text + "()'.");
        return false;
      }
      out = {JqlQuery::Value::Kind::function, lower, argument};
      return true;
    }
    out = {JqlQuery::Value::Kind::text, t.text, {}};
    return true;
  }

  int clause() {
    const Token field_token = next();
    if (field_token.kind != Token::Kind::word && field_token.kind != Token::Kind::string) {
      return fail("Expecting a field name but got '" + field_token.text + "'.");
    }
    JqlQuery::Node node;
    for (const Field& f : k_fields) {
      if (jql_lower(field_token.text) == f.name) {
        node.field = f.canonical;
      }
    }
    if (node.field.empty()) {
      m_i = m_t.size();  // Jira reports this one without a position
      m_error = "Field '" + field_token.text +
                "' does not exist or you do not have permission to view it.";
      return -1;
    }
    const Token op = peek();
    if (op.kind == Token::Kind::op) {
      node.op = next().text;
    } else if (at_word("in")) {
      next();
      node.op = "in";
    } else if (at_word("not")) {
      next();
      if (!at_word("in")) {
        return fail("Expecting 'IN' after 'NOT' but got '" + peek().text + "'.");
      }
      next();
      node.op = "not in";
    } else if (at_word("is")) {
      next();
      node.op = "is";
      if (at_word("not")) {
        next();
        node.op = "is not";
      }
    } else {
      return fail("Expecting operator but got '" + op.text +
                  "'. The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', "
                  "'NOT IN', 'IS' and 'IS NOT'.");
    }
    const bool ordering = node.op == "<" || node.op == ">" || node.op == "<=" || node.op == ">=";
    const bool text_match = node.op == "~" || node.op == "!~";
    if ((ordering && !is_date_field(node.field) && node.field != "id") ||
        (text_match != (node.field == "summary"))) {
      m_i = m_t.size();
      m_error = "The operator '" + node.op + "' is not supported by the '" + field_token.text +
                "' field.";
      return -1;
    }
    if (node.op == "in" || node.op == "not in") {
      if (peek().kind != Token::Kind::lparen) {
        return fail("Expecting '(' but got '" + peek().text + "'.");
      }
      next();
      do {
        JqlQuery::Value v;
        if (!value(v)) {
          return -1;
        }
        node.values.push_back(v);
      } while (peek().kind == Token::Kind::comma && (next(), true));
      if (peek().kind != Token::Kind::rparen) {
        return fail("Expecting ')' but got '" + peek().text + "'.");
      }
      next();
    } else {
      JqlQuery::Value v;
      if (!value(v)) {
        return -1;
      }
      if ((node.op == "is" || node.op == "is not") && v.kind != JqlQuery::Value::Kind::empty) {
        return fail("Expecting 'EMPTY' or 'NULL' after 'IS' but got '" + v.text + "'.");
      }
      node.values.push_back(v);
    }
    const std::string problem = check_values(node, field_token.text);
    if (!problem.empty()) {
      m_i = m_t.size();
      m_error = problem;
      return -1;
    }
    return add(std::move(node));
  }

  static std::string check_values(const JqlQuery::Node& node, const std::string& shown) {
    static const std::set<std::string> statuses = {"to do", "in progress", "done",
                                                   "10000", "3",           "10001"};
    static const std::set<std::string> categories = {"to do",         "in progress", "done", "new",
                                                     "indeterminate", "2",           "4",    "3"};
    static const std::set<std::string> resolutions = {"unresolved", "done", "won't do", "duplicate",
                                                      "cannot reproduce"};
    for (const JqlQuery::Value& v : node.values) {
      if (v.kind == JqlQuery::Value::Kind::empty) {
        continue;
      }
      const std::string lower = jql_lower(v.text);
      const bool bad_value = (node.field == "status" && statuses.count(lower) == 0) ||
                             (node.field == "statuscategory" && categories.count(lower) == 0) ||
                             (node.field == "resolution" && resolutions.count(lower) == 0);
      if (bad_value) {
        return "The value '" + v.text + "' does not exist for the field '" + shown + "'.";
      }
      if (is_date_field(node.field) && v.kind == JqlQuery::Value::Kind::text &&
          !jql_date_value(v.text)) {
        return "Date value '" + v.text + "' for field '" + shown +
               "' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', "
               "'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.";
      }
    }
    return {};
  }

  void order_by() {
    next();
    if (!at_word("by")) {
      fail("Expecting 'BY' but got '" + peek().text + "'.");
      return;
    }
    next();
    do {
      const Token f = next();
      std::string field;
      for (const Field& known : k_fields) {
        if (jql_lower(f.text) == known.name) {
          field = known.canonical;
        }
      }
      if (field.empty() || field == "labels") {
        m_i = m_t.size();
        m_error = "Not able to sort using field '" + f.text + "'.";
        return;
      }
      bool ascending = true;
      if (at_word("asc") || at_word("desc")) {
        ascending = jql_lower(next().text) == "asc";
      }
      m_q.order.emplace_back(field, ascending);
    } while (peek().kind == Token::Kind::comma && (next(), true));
  }

  std::vector<Token> m_t;
  std::size_t m_i = 0;
  JqlQuery& m_q;
  std::string m_error;
};

}  // namespace

std::pair<std::unique_ptr<JqlQuery>, std::string> JqlQuery::parse(const std::string& text) {
  auto [tokens, error] = tokenize(text);
  if (!error.empty()) {
    return {nullptr, error};
  }
  auto query = std::make_unique<JqlQuery>();
  Parser parser(std::move(tokens), *query);
  error = parser.run();
  if (!error.empty()) {
    return {nullptr, error};
  }
  return {std::move(query), std::string()};
}

bool JqlQuery::bounded() const { return root >= 0; }

}  // namespace bzjira::sim::jirasim
