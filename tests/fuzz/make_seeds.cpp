// Splits the real samples into libFuzzer seed files (run_fuzz.sh): one seed per whiteboard string
// of bmo_whiteboard_values_*.json, one per Jira example of jira_cloud_examples_from_openapi.json.
// Usage: make_seeds whiteboards|jira-examples <sample.json> <output dir>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace {

using nlohmann::json;

bool write_seed(const std::string& dir, const std::string& name, const std::string& content) {
  std::ofstream out(dir + "/" + name, std::ios::binary);
  out << content;
  return static_cast<bool>(out);
}

int split(const std::string& mode, const json& doc, const std::string& dir) {
  int written = 0;
  if (mode == "whiteboards") {
    // {"values": [[bug id, "whiteboard"], ...]}
    for (const json& pair : doc.at("values")) {
      const std::string name = "whiteboard-" + std::to_string(pair.at(0).get<long long>());
      written += write_seed(dir, name, pair.at(1).get<std::string>()) ? 1 : 0;
    }
  } else if (mode == "jira-examples") {
    // {"examples": {"POST /rest/api/3/issue 201": {...}, ...}}: the answers as Jira sends them.
    int index = 0;
    for (const auto& [operation, example] : doc.at("examples").items()) {
      const std::string name = "jira-example-" + std::to_string(index++);
      written += write_seed(dir, name, example.dump()) ? 1 : 0;
    }
  } else {
    std::cerr << "make_seeds: unknown mode " << mode << "\n";
    return -1;
  }
  return written;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: make_seeds whiteboards|jira-examples <sample.json> <output dir>\n";
    return 2;
  }
  std::ifstream in(argv[2], std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  try {
    const int written = split(argv[1], json::parse(text.str()), argv[3]);
    if (written <= 0) {
      std::cerr << "make_seeds: no seed written from " << argv[2] << "\n";
      return 1;
    }
    std::cout << written << "\n";
  } catch (const std::exception& e) {
    std::cerr << "make_seeds: " << argv[2] << ": " << e.what() << "\n";
    return 1;
  }
  return 0;
}
