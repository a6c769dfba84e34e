// steppe schema [STUDY] [-o FILE]: the results-format document generated from a study's
// output declarations (solver/io/results_schema.hpp). Without a study, the one holding every
// element kind (inputs/every_kind.yaml): its output is docs/results-format.md.
#include <cstdio>
#include <fstream>

#include "models/domains.hpp"
#include "solver/app/command.hpp"
#include "solver/io/results_schema.hpp"
#include "solver/study/study.hpp"

namespace steppe::app {

namespace {

class SchemaCommand : public Command {
 public:
  CLI::App* declare(CLI::App& app) override {
    auto* sub =
        app.add_subcommand("schema",
                           "print the results-format document (every group and dataset a study's "
                           "results file holds), generated from the elements' output declarations");
    sub->add_option("study", study_path_,
                    "the study (default: inputs/every_kind.yaml, every element kind)")
        ->capture_default_str();
    sub->add_option("-o,--output", output_, "write the document to this file");
    return sub;
  }

  int run() override {
    const auto study = load_study(study_path_, {}, domains());
    const std::string doc = results_format_document(study->system.layout(), study_path_);
    if (output_.empty()) {
      std::fputs(doc.c_str(), stdout);
      return 0;
    }
    std::ofstream out(output_);
    out << doc;
    out.close();
    if (!out) {
      std::fprintf(stderr, "steppe: error: cannot write %s\n", output_.c_str());
      return 2;
    }
    return 0;
  }

 private:
  std::string study_path_ = "inputs/every_kind.yaml", output_;
};

}  // namespace

std::unique_ptr<Command> make_schema_command() {
  return std::make_unique<SchemaCommand>();
}

}  // namespace steppe::app
