// The one source of the precompiled-header host targets (cmake/PrecompiledHeaders.cmake): CMake
// compiles the .gch as part of a target, and a target needs a source. It defines nothing.
