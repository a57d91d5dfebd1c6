// A small driver for trying the formatter by hand: fmt_tool FILE... prints each formatted file;
// fmt_tool --perturb SEED FILE prints the messy layout the property tests use.
#include <iostream>

#include "corpus.hpp"

int main(int argc, char** argv) {
  int status = 0;
  if (argc == 4 && std::string(argv[1]) == "--perturb") {  // --perturb SEED FILE: print a messy layout
    std::cout << pgtest::perturb(pgtest::read_file(argv[3]), static_cast<unsigned>(std::stoul(argv[2])));
    return 0;
  }
  for (int i = 1; i < argc; ++i) {
    phasegate::Diagnostics diags;
    const std::string text = pgtest::read_file(argv[i]);
    auto out = phasegate::format_text(argv[i], text, diags);
    if (!out) {
      phasegate::SourceMap sources;
      sources.add(argv[i], text);
      std::cerr << phasegate::render_text(diags, sources);
      status = 1;
      continue;
    }
    std::cout << *out;
  }
  return status;
}
