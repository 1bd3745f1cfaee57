// Whole transfers on a socket for the bench's proxies and its spawner: send or receive exactly
// `size` bytes, retrying after signals.
#pragma once

#include <cstddef>

namespace bzjira::bench {

// MSG_NOSIGNAL: a peer gone is an error, not a SIGPIPE. False when the other end is gone.
bool send_all(int fd, const void* data, std::size_t size);
// False when the other end closed or failed before `size` bytes came.
bool receive_all(int fd, void* data, std::size_t size);

}  // namespace bzjira::bench
