#define CATCH_CONFIG_MAIN
// Test names are listed one per line for CTest (catch_discover_tests): never wrapped.
#define CATCH_CONFIG_CONSOLE_WIDTH 400
#include <catch2/catch.hpp>
