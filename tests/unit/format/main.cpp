// Catch2 main of the formatter tests.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
