// The simulator's workflow (docs/jira-api.md#transitions): To Do -> In Progress -> Done, To Do ->
// Done, Done -> To Do ("Reopen"); only the Done transition has a screen, carrying a required
// resolution.
#include <algorithm>

#include "tests/sim/jira_service.h"

namespace bzjira::sim::jirasim {
namespace {

struct Transition {
  const char* id;
  const char* name;
  std::vector<std::string> from;
  const char* to;
  bool resolution_screen;
};

const std::vector<Transition>& transitions() {
  static const std::vector<Transition> k_all = {
      {"11", "Start Progress", {"To Do"}, "In Progress", false},
      {"31", "Done", {"To Do", "In Progress"}, "Done", true},
      {"41", "Reopen", {"Done"}, "To Do", false},
  };
  return k_all;
}

const char* const k_resolutions[][2] = {{"10000", "Done"},
                                        {"10001", "Won't Do"},
                                        {"10002", "Duplicate"},
                                        {"10003", "Cannot Reproduce"}};

bool available(const Transition& t, const std::string& status) {
  return std::find(t.from.begin(), t.from.end(), status) != t.from.end();
}

std::string not_settable(const std::string& field) {
  return "Field '" + field + "' cannot be set. It is not on the appropriate screen, or unknown.";
}

}  // namespace

void Service::move_to(Issue& issue, const std::string& status, const std::string& resolution) {
  issue.status = status;
  if (status == "Done") {
    issue.resolution = resolution;
    issue.resolved = wall_now();
  } else {
    issue.resolution.clear();
    issue.resolved.reset();
  }
  issue.updated = wall_now();
}

Answer Service::get_transitions(const Request& r, Version v, Issue& issue) {
  bool with_fields = false;
  for (const std::string& e : list_param(r.query, "expand")) {
    with_fields = with_fields || e == "transitions.fields";
  }
  const auto only = r.query.find("transitionId");
  Json list = Json::array();
  for (const Transition& t : transitions()) {
    if (!available(t, issue.status) || (only != r.query.end() && only->second != t.id)) {
      continue;
    }
    const bool screen = t.resolution_screen && m_resolution_screen;
    Json item = {{"id", t.id},          {"name", t.name},         {"to", status_json(t.to, v)},
                 {"hasScreen", screen}, {"isGlobal", false},      {"isInitial", false},
                 {"isAvailable", true}, {"isConditional", false}, {"isLooped", false}};
    if (with_fields) {
      Json fields = Json::object();
      if (screen) {
        Json allowed = Json::array();
        for (const auto& res : k_resolutions) {
          allowed.push_back({{"self", self_url(v, std::string("/resolution/") + res[0])},
                             {"id", res[0]},
                             {"name", res[1]}});
        }
        fields["resolution"] = {{"required", true},
                                {"schema", {{"type", "resolution"}, {"system", "resolution"}}},
                                {"name", "Resolution"},
                                {"key", "resolution"},
                                {"operations", {"set"}},
                                {"allowedValues", allowed},
                                {"hasDefaultValue", false}};
      }
      item["fields"] = fields;
    }
    list.push_back(item);
  }
  return json_answer(200, Json{{"expand", "transitions"}, {"transitions", list}});
}

Answer Service::do_transition(const Request& r, Version v, Issue& issue) {
  const Json body = Json::parse(r.body, nullptr, false);
  if (!body.is_object()) {
    return error_answer(400, {"The request body is not a JSON object."});
  }
  const Json transition = body.value("transition", Json());
  const Json id = transition.is_object() ? transition.value("id", Json()) : Json();
  const std::string wanted = id.is_string()           ? id.get<std::string>()
                             : id.is_number_integer() ? std::to_string(id.get<long>())
                                                      : std::string();
  if (wanted.empty()) {
    return error_answer(400, {"Missing 'transition' identifier"});
  }
  const Transition* chosen = nullptr;
  for (const Transition& t : transitions()) {
    if (t.id == wanted && available(t, issue.status)) {
      chosen = &t;
    }
  }
  if (chosen == nullptr) {
    return error_answer(400, {"Transition id '" + wanted + "' is not valid for this issue."});
  }
  const bool screen = chosen->resolution_screen && m_resolution_screen;
  Json errors = Json::object();
  std::string resolution;
  const Json fields = body.value("fields", Json::object());
  for (const auto& [name, value] : (fields.is_object() ? fields : empty_object()).items()) {
    if (name != "resolution" || !screen) {
      // "a field that isn't included on the transition screen is defined in fields" -> 400
      // (docs/jira-api.md#transitions)
      errors[name] = not_settable(name);
      continue;
    }
    const std::string by_name = value.is_object() && value.value("name", Json()).is_string()
                                    ? value["name"].get<std::string>()
                                    : std::string();
    const std::string by_id = value.is_object() && value.value("id", Json()).is_string()
                                  ? value["id"].get<std::string>()
                                  : std::string();
    for (const auto& res : k_resolutions) {
      if (by_name == res[1] || by_id == res[0]) {
        resolution = res[1];
      }
    }
    if (resolution.empty()) {
      errors[name] = "Could not find a resolution with name '" + by_name + "'.";
    }
  }
  if (screen && resolution.empty() && !errors.contains("resolution")) {
    errors["resolution"] = "Resolution is required.";
  }
  std::vector<Json> new_comments;
  const Json update = body.value("update", Json::object());
  for (const auto& [name, ops] : (update.is_object() ? update : empty_object()).items()) {
    if (name != "comment" || !ops.is_array()) {
      errors[name] = not_settable(name);
      continue;
    }
    for (const Json& op : ops) {
      const Json add = op.is_object() ? op.value("add", Json()) : Json();
      const Json comment_body = add.is_object() ? add.value("body", Json()) : Json();
      if (const std::string problem = comment_problem(comment_body, v); !problem.empty()) {
        errors["comment"] = problem;
      } else {
        new_comments.push_back(comment_body);
      }
    }
  }
  if (!errors.empty()) {
    return error_answer(400, {}, errors);
  }
  if (!screen && std::string(chosen->to) == "Done") {
    resolution = "Done";  // no screen: the workflow's post function resolves it
  }
  move_to(issue, chosen->to, resolution);
  for (Json& c : new_comments) {
    append_comment(issue, r.user, std::move(c), wall_now());
  }
  Answer a;
  a.status = 204;
  return a;
}

}  // namespace bzjira::sim::jirasim
