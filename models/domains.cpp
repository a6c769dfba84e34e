#include "models/domains.hpp"

#include "models/gas/reader.hpp"
#include "models/lumped/reader.hpp"

namespace steppe {

std::span<const Domain> domains() {
  static const Domain table[] = {
      {"lumped", &lumped::read_network},
      {"gas", &gas::read_network},
  };
  return table;
}

}  // namespace steppe
