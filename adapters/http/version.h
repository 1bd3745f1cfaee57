// The program version, sent as User-Agent "bzjira/<version>" and printed by `bzjira --version`.
// Keep it equal to project(VERSION) in the top-level CMakeLists.txt.
#pragma once

namespace bzjira::adapters::http {

inline constexpr const char* k_version = "0.1.0";
inline constexpr const char* k_user_agent = "bzjira/0.1.0";

}  // namespace bzjira::adapters::http
