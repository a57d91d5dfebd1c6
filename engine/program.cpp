// Look-ups on the checked program.
#include "engine/program.hpp"

namespace phasegate::engine {

int Program::find_relation(const std::string& name) const {
  for (std::size_t i = 0; i < relations.size(); ++i)
    if (relations[i].name == name) return static_cast<int>(i);
  return -1;
}

int Program::find_phase(const std::string& name) const {
  for (std::size_t i = 0; i < phases.size(); ++i)
    if (phases[i].name == name) return static_cast<int>(i);
  return -1;
}

}  // namespace phasegate::engine
