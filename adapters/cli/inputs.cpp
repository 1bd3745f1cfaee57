#include "adapters/cli/inputs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <boost/program_options.hpp>

#include "adapters/bugzilla/bugzilla_json.h"
#include "adapters/config/mapping_loader.h"

namespace bzjira::adapters::cli {

using sync::ErrorKind;
using sync::make_error;

namespace {

// The whole file in a buffer the JSON parser reads in place. Read, not mapped: a file truncated by
// another process while it is read gives a shorter text (then reported as cut short), where a
// mapping would end the process with SIGBUS. Errors as read_text_file.
sync::Result<bugzilla::JsonText> read_json_file(const std::string& path, std::size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    return make_error(err == ENOENT ? ErrorKind::not_found : ErrorKind::config,
                      "cannot open '" + path + "': " + std::strerror(err));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    return make_error(ErrorKind::config, "cannot read '" + path + "': not a regular file");
  }
  const auto size = static_cast<std::size_t>(info.st_size);
  if (size > max_bytes) {
    return make_error(ErrorKind::config, "'" + path + "' is " + std::to_string(size) +
                                             " bytes; at most " + std::to_string(max_bytes) +
                                             " are read");
  }
  auto text = bugzilla::JsonText::allocate(size);
  if (!text) {
    return make_error(ErrorKind::config, "cannot read '" + path + "': " + text.error().message);
  }
  std::size_t got = 0;
  while (got < size) {
    const ssize_t n = ::read(fd, text->data() + got, size - got);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return make_error(ErrorKind::config, "cannot read '" + path + "': " + std::strerror(errno));
    }
    if (n == 0) {
      break;  // the file shrank meanwhile
    }
    got += static_cast<std::size_t>(n);
  }
  text->resize(got);
  return text;
}

}  // namespace

std::optional<sync::Mapping> load_mapping(Io& io, const std::string& command,
                                          const std::string& path) {
  auto loaded = config::load_mapping_file(path);
  if (loaded.problems.empty() && loaded.mapping) {
    return std::move(loaded.mapping);
  }
  for (const std::string& problem : loaded.problems) {
    diagnostic(io, Severity::error, "mapping_problem", problem);
  }
  if (loaded.problems.empty()) {
    diagnostic(io, Severity::error, "mapping_problem",
               path + ": $: the mapping could not be loaded");
  }
  const std::size_t count = loaded.problems.empty() ? std::size_t{1} : loaded.problems.size();
  diagnostic(io, Severity::error, "command_failed",
             "bzjira " + command + ": mapping '" + path + "' has " + std::to_string(count) +
                 (count > 1 ? " problems" : " problem"));
  return std::nullopt;
}

std::optional<std::vector<sync::BugRecord>> load_dataset(Io& io, const std::string& command,
                                                         const std::string& path) {
  // The parser refuses anything larger itself; stop reading there too.
  auto text = read_json_file(path, bugzilla::k_max_body_bytes);
  if (!text) {
    fail(io, command, "dataset " + text.error().message, k_exit_usage);
    return std::nullopt;
  }
  auto dataset = bugzilla::parse_dataset(*text);
  if (!dataset) {
    fail(io, command, "dataset '" + path + "' is not valid: " + dataset.error().message,
         k_exit_usage);
    return std::nullopt;
  }
  for (const std::string& problem : dataset->problems) {
    warn(io, command, "dataset '" + path + "': " + problem);
  }
  return std::move(dataset->records);
}

sync::Result<std::string> read_text_file(const std::string& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    return make_error(err == ENOENT ? ErrorKind::not_found : ErrorKind::config,
                      "cannot open '" + path + "': " + std::strerror(err));
  }
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) {
    // A directory or a pipe: tellg cannot say, and a directory cannot be read either.
    return make_error(ErrorKind::config, "cannot read '" + path + "': not a regular file");
  }
  if (static_cast<std::size_t>(size) > max_bytes) {
    return make_error(ErrorKind::config, "'" + path + "' is " + std::to_string(size) +
                                             " bytes; at most " + std::to_string(max_bytes) +
                                             " are read");
  }
  in.seekg(0, std::ios::beg);
  // One read of the known size straight into the result (no stream buffer grown and copied).
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), size);
  if (in.bad() || (size > 0 && in.gcount() == 0)) {
    return make_error(ErrorKind::config, "cannot read '" + path + "': " + std::strerror(errno));
  }
  text.resize(static_cast<std::size_t>(in.gcount()));  // the file may have shrunk meanwhile
  return text;
}

sync::Result<sync::Instant> now_option(const po::variables_map& vm, const Io& io) {
  if (vm.count("now") == 0) {
    return io.clock();
  }
  const auto& text = vm["now"].as<std::string>();
  const auto t = sync::parse_rfc3339(text);
  if (!t) {
    return make_error(ErrorKind::config, "invalid --now '" + text +
                                             "': expected an RFC 3339 time such as "
                                             "2026-11-26T12:00:00Z");
  }
  return *t;
}

sync::Result<std::optional<sync::Date>> date_option(const po::variables_map& vm,
                                                    const std::string& name) {
  if (vm.count(name) == 0) {
    return std::optional<sync::Date>{};
  }
  const auto& text = vm[name].as<std::string>();
  const auto d = sync::parse_date(text);
  if (!d) {
    return make_error(ErrorKind::config, "invalid --" + name + " '" + text +
                                             "': expected a date YYYY-MM-DD such as 2026-11-01");
  }
  return std::optional<sync::Date>{*d};
}

}  // namespace bzjira::adapters::cli
