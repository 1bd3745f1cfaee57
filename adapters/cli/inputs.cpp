#include "adapters/cli/inputs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include <boost/program_options.hpp>

#include "adapters/bugzilla/bugzilla_json.h"
#include "adapters/config/mapping_loader.h"

namespace bzjira::adapters::cli {

using sync::ErrorKind;
using sync::make_error;

namespace {

// A JSON file read piece by piece (bugzilla::TextSource), so that a large dataset is never held
// whole. Read, not mapped: a file truncated by another process while it is read ends early (then
// reported as cut short), where a mapping would end the process with SIGBUS.
class FileSource : public bugzilla::RereadableSource {
 public:
  FileSource(std::string path, int fd) : m_path(std::move(path)), m_fd(fd) {}
  ~FileSource() override { ::close(m_fd); }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;
  FileSource(FileSource&&) = delete;
  FileSource& operator=(FileSource&&) = delete;

  // Errors: config when the file cannot be opened, is not a regular file or is larger than
  // `max_bytes`; not_found when it does not exist.
  static sync::Result<std::unique_ptr<FileSource>> open(const std::string& path,
                                                        std::size_t max_bytes) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      const int err = errno;
      return make_error(err == ENOENT ? ErrorKind::not_found : ErrorKind::config,
                        "cannot open '" + path + "': " + std::strerror(err));
    }
    auto source = std::make_unique<FileSource>(path, fd);
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
    source->m_opened = info;
    return source;
  }

  // Back to the start, when the file is still the one first read (same size and time of change).
  std::optional<sync::Error> rewind() override {
    struct stat info {};
    if (::fstat(m_fd, &info) != 0 || info.st_size != m_opened.st_size ||
        info.st_mtim.tv_sec != m_opened.st_mtim.tv_sec ||
        info.st_mtim.tv_nsec != m_opened.st_mtim.tv_nsec) {
      return make_error(ErrorKind::config, "'" + m_path + "' changed while it was read");
    }
    if (::lseek(m_fd, 0, SEEK_SET) != 0) {
      return make_error(ErrorKind::config,
                        "cannot read '" + m_path + "' again: " + std::strerror(errno));
    }
    return std::nullopt;
  }

  sync::Result<std::size_t> read(char* into, std::size_t max) override {
    for (;;) {
      const ssize_t n = ::read(m_fd, into, max);
      if (n >= 0) {
        return static_cast<std::size_t>(n);
      }
      if (errno != EINTR) {
        return make_error(ErrorKind::config,
                          "cannot read '" + m_path + "': " + std::strerror(errno));
      }
    }
  }

 private:
  std::string m_path;
  int m_fd;
  struct stat m_opened {};
};

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
  auto source = FileSource::open(path, bugzilla::k_max_body_bytes);
  if (!source) {
    fail(io, command, "dataset " + source.error().message, k_exit_usage);
    return std::nullopt;
  }
  auto dataset = bugzilla::parse_dataset(**source);
  if (!dataset && dataset.error().kind == ErrorKind::config) {  // reading the file failed
    fail(io, command, "dataset " + dataset.error().message, k_exit_usage);
    return std::nullopt;
  }
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

bool stream_dataset(Io& io, const std::string& command, const std::string& path,
                    const bugzilla::RecordTake& take) {
  auto source = FileSource::open(path, bugzilla::k_max_body_bytes);
  if (!source) {
    fail(io, command, "dataset " + source.error().message, k_exit_usage);
    return false;
  }
  auto problems = bugzilla::stream_dataset(**source, take);
  if (!problems && problems.error().kind == ErrorKind::config) {  // reading the file failed
    fail(io, command, "dataset " + problems.error().message, k_exit_usage);
    return false;
  }
  if (!problems) {
    fail(io, command, "dataset '" + path + "' is not valid: " + problems.error().message,
         k_exit_usage);
    return false;
  }
  for (const std::string& problem : *problems) {
    warn(io, command, "dataset '" + path + "': " + problem);
  }
  return true;
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
