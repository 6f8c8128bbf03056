/**
 * Charts for reports, drawn by Apache ECharts' server-side renderer into SVG strings that a
 * report inlines: no browser, no network, and no script in the page. ECharts is loaded
 * only when a report is made (it is large, and most commands never draw).
 */

/** An ECharts option object (see echarts.apache.org/en/option.html). */
export type ChartOption = Record<string, unknown>;

/** Renders `option` into an SVG document of `width` × `height` pixels. */
export async function renderSvgChart(option: ChartOption, width: number, height: number): Promise<string> {
  const echarts = await import("echarts");
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    chart.setOption({ animation: false, ...option });
    return chart.renderToSVGString();
  } finally {
    // Disposing stops the renderer's frame timer, which would otherwise keep Node alive.
    chart.dispose();
  }
}
