// riskreg-graphviz.so (graph/dot_layout.h): DOT text laid out and rendered to SVG by libgvc.
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <memory>
#include <string>

#include "core/error.h"
#include "graph/dot_layout.h"

extern "C" const riskreg::DotLayoutModule* riskreg_graphviz_module();

namespace riskreg {

namespace {

std::string layout_svg(const std::string& dot) {
  // A context a call: Graphviz keeps its state there, not in riskreg.
  std::unique_ptr<GVC_t, int (*)(GVC_t*)> gvc(gvContext(), gvFreeContext);
  if (!gvc) throw Error(ErrorKind::Internal, "Graphviz: cannot start its layout library");
  // Graphviz reports parse errors through its own error channel, which prints; keep only the text.
  agseterr(AGMAX);
  std::unique_ptr<Agraph_t, int (*)(Agraph_t*)> g(agmemread(dot.c_str()), agclose);
  if (!g) throw Error(ErrorKind::Internal, std::string("Graphviz could not read the graph: ") + aglasterr());
  if (gvLayout(gvc.get(), g.get(), "dot") != 0)
    throw Error(ErrorKind::Internal, "Graphviz could not lay out the graph (is its dot layout plugin installed?)");
  char* data = nullptr;
  unsigned int len = 0;
  int rc = gvRenderData(gvc.get(), g.get(), "svg", &data, &len);
  std::string out = rc == 0 && data ? std::string(data, len) : std::string();
  gvFreeRenderData(data);
  gvFreeLayout(gvc.get(), g.get());
  if (out.empty()) throw Error(ErrorKind::Internal, "Graphviz could not render the graph as SVG");
  return out;
}

const DotLayoutModule kTable{layout_svg};

}  // namespace

}  // namespace riskreg

extern "C" const riskreg::DotLayoutModule* riskreg_graphviz_module() { return &riskreg::kTable; }
