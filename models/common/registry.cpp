#include "models/common/registry.hpp"

namespace steppe {

void report_unknown_kinds(const Reader& section, const std::vector<std::string>& kinds) {
  if (!section.is_map()) return;
  // Values are found by walking the map, not by node[key]: a key that is null or not a
  // scalar (`: x`, `? [a]`) has no string that looks it up again.
  const auto is_list = [&](const std::string& key) {
    for (const auto& entry : section.node())
      if (entry.first.IsScalar() && entry.first.Scalar() == key && entry.second.IsSequence())
        return true;
    return false;
  };
  for (const std::string& key : section.unasked_keys()) {
    if (!is_list(key)) continue;  // a setting, not a list: finish() reports it
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
