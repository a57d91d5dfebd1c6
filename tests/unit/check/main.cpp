// Catch2 main for the checker's unit tests.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
