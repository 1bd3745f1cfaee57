// bzjira's entry point: everything lives in adapters/cli (ccache: main is a few lines over a
// library).
#include "adapters/cli/app.h"

int main(int argc, char** argv) { return bzjira::adapters::cli::run(argc, argv); }
