#pragma once
/// Graphviz's layout as a module (core/module.h): libgvc and libcgraph live in
/// riskreg-graphviz.so, loaded only by the HTML export, which embeds the feed graph it lays out.
/// The graph is laid out and rendered in-process by the library, never by running `dot`.
#include <string>

namespace riskreg {

struct DotLayoutModule {
  /// `dot` (DOT text) laid out by Graphviz's `dot` engine and rendered as an SVG document.
  /// Throws Error(Internal) with Graphviz's reason if the text does not parse or cannot be laid out.
  std::string (*svg)(const std::string& dot);
};

/// The module's table, loading riskreg-graphviz.so the first time (Error(Internal) if it cannot).
const DotLayoutModule& dot_layout();

}  // namespace riskreg
