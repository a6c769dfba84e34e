#include "models/common/registry.hpp"

namespace steppe {

void report_unknown_kinds(const Reader& section, const std::vector<std::string>& kinds) {
  if (!section.is_map()) return;
  for (const std::string& key : section.unasked_keys()) {
    const YAML::Node& node = section.node();
    if (!node[key].IsSequence()) continue;  // a setting, not a list: finish() reports it
    const std::string hint = closest_match(key, kinds);
    std::string msg = fmt::format("unknown element kind '{}'", key);
    if (!hint.empty())
      msg += fmt::format(" (did you mean '{}'?)", hint);
    else
      msg += fmt::format("; the kinds here are {}", join(kinds, ", "));
    section.error_at_key_name(key, msg);
  }
}

}  // namespace steppe
