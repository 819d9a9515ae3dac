import Foundation
import Results
import Statistics
import Store
import Support

import protocol Support.OutputStream

extension Journal {
    /// `perfjournal report --html DIR`: writes DIR/index.html, one self-contained page (inline CSS, SVG and
    /// a small script; nothing loaded from the network). Reads the repository only: no hook, no configured
    /// command runs. Returns the page's path.
    @discardableResult
    public static func htmlReport(at path: String, directory: String, range: String?, progress: OutputStream) throws -> String {
        let workspace = try Workspace.open(at: path)
        let model = try ReportModel.make(workspace: workspace, range: range)
        let page = HTMLReport(model: model).render()
        let target = directory.hasPrefix("/") ? directory : FileManager.default.currentDirectoryPath + "/" + directory
        do {
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        } catch {
            throw PerfJournalError(.usage, "cannot create \(directory): \(error.localizedDescription)")
        }
        let file = (target as NSString).appendingPathComponent("index.html")
        try AtomicFile.write(page, to: file)
        progress.line(
            "wrote \(file) (\(model.benchmarks.count) benchmarks, \(model.commits.count) measured commits, \(model.entries.count) optimizations)")
        return file
    }
}

/// The report page. Everything the reader sees is in the HTML; the inline script only adds the tooltip,
/// the benchmark filter and a click from a dot to its optimization.
package struct HTMLReport: Sendable {
    let model: ReportModel

    package init(model: ReportModel) { self.model = model }

    package func render() -> String {
        var out = ""
        out.reserveCapacity(1 << 20)
        out += """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="perfjournal">
            <title>\(HTML.escape(model.title)) · perfjournal report</title>
            <style>\(Self.css)</style>
            </head>
            <body>
            <header>
            <h1>\(HTML.escape(model.title)) <span class="muted">performance report</span></h1>
            <p class="muted">\(HTML.escape(headline))</p>
            <nav><a href="#overview">Overview</a> <a href="#optimizations">Optimizations</a> <a href="#checklist">Checklist</a> \
            <a href="#machines">Machines</a> <a href="#benchmarks">Benchmarks</a></nav>
            </header>
            <main>

            """
        // The sections do not depend on one another: written on every core, joined in order.
        let sections: [@Sendable (HTMLReport, inout String) -> Void] = [
            { $0.overview(&$1) }, { $0.optimizations(&$1) }, { $0.checklist(&$1) }, { $0.machines(&$1) }, { $0.benchmarks(&$1) },
            { $0.details(&$1) },
            {
                $1 += "</main>\n<div id=\"tip\" role=\"tooltip\" hidden></div>\n"
                $1 += "<script id=\"report-data\" type=\"application/json\">"
                $0.data(&$1)
                $1 += "</script>\n<script>\(Self.script)</script>\n</body>\n</html>\n"
            },
        ]
        let written = Parallel.map(Array(sections.indices)) { i in
            var text = ""
            sections[i](self, &text)
            return text
        }
        for section in written { out += section }
        return out
    }

    var headline: String {
        var parts = ["\(model.range)", "\(model.commits.count) measured commits", "\(model.benchmarks.count) benchmarks"]
        if let charted = model.machines.first(where: \.charted) { parts.append("machine \(charted.fingerprint.id)") }
        return parts.joined(separator: " · ")
    }

    // MARK: Sections

    func overview(_ out: inout String) {
        out += "<section id=\"overview\">\n<h2>Change since the baseline</h2>\n"
        if let baseline = model.baseline {
            out += "<p>Baseline: \(commitLink(baseline.commit)) \(HTML.escape(baseline.subject)) "
            out += "<span class=\"muted\">(\(baseline.benchmarks) benchmarks, measured \(HTML.escape(baseline.measured)))</span></p>\n"
        } else {
            out += "<p class=\"warn\">No baseline run on this history: changes are shown against the first measured commit. "
            out += "Run <code>perfjournal baseline</code> on the commit before the first change.</p>\n"
        }
        if let last = model.geometricMean.last {
            let text = Display.percentChange(ratio: last.ratio)
            let better = last.ratio < 1 ? "faster" : last.ratio > 1 ? "slower" : "unchanged"
            out += "<p class=\"big\"><strong class=\"\(last.ratio < 1 ? "good" : last.ratio > 1 ? "bad" : "")\">\(text)</strong> "
            out += "geometric mean over the benchmarks at \(commitLink(model.commits[last.commit].hash)) (\(better); below 0 is better).</p>\n"
            let marks = model.geometricMean.map { g -> SVGChart.Mark in
                let commit = model.commits[g.commit]
                let kind = commit.entry.flatMap { number in model.entries.first { $0.number == number } }.map { "v-" + model.verdict(of: $0).rawValue }
                return SVGChart.Mark(
                    commit: g.commit, value: (g.ratio - 1) * 100, low: (g.ratio - 1) * 100, high: (g.ratio - 1) * 100,
                    kind: kind ?? "plain", hollow: commit.disturbed)
            }
            out += "<figure class=\"chart-box\">"
            out += SVGChart.render(
                id: "g", marks: marks, commitCount: model.commits.count, reference: 0, referenceLabel: "baseline",
                format: { String(format: "%+.1f%%", $0) }, xLabels: xLabels)
            out += "<figcaption class=\"muted\">Geometric mean of every benchmark's change against the baseline, at each measured commit "
            out += "in first-parent order; optimizations are coloured by their verdict.</figcaption></figure>\n"
        } else {
            out += "<p class=\"muted\">No measured commits in this range.</p>\n"
        }
        out += "</section>\n"
    }

    func optimizations(_ out: inout String) {
        out += "<section id=\"optimizations\">\n<h2>Optimizations <span class=\"muted\">(\(model.entries.count))</span></h2>\n"
        guard !model.entries.isEmpty else {
            out += "<p class=\"muted\">No optimization commits in this range.</p>\n</section>\n"
            return
        }
        out += legend
        out +=
            "<table class=\"entries\"><thead><tr><th>#</th><th>commit</th><th>change</th><th>verdict</th><th>geo. mean</th><th>flags</th></tr></thead><tbody>\n"
        // Every measured optimization; the unmeasured ones only while they are few (a long unmeasured
        // history would otherwise be most of the page, with nothing to show).
        let unmeasured = model.entries.filter { !$0.measured }
        let listed = unmeasured.count > Self.unmeasuredListed ? model.entries.filter(\.measured) : model.entries
        for entry in listed {
            let verdict = model.verdict(of: entry)
            let mean = entry.comparison?.geometricMean.map { Display.percentChange(ratio: $0.ratio) } ?? "–"
            let flags = entry.flags.filter { ![.regression, .noise, .unmeasured].contains($0.kind) }.map {
                "<span class=\"flag\">\(HTML.escape($0.label))</span>"
            }
            out += "<tr><td>\(entry.number)</td><td>\(commitLink(entry.commit))</td>"
            // Unmeasured entries have no section: nothing was measured to show.
            out += entry.measured ? "<td><a href=\"#opt-\(entry.number)\">\(HTML.escape(entry.title))</a></td>" : "<td>\(HTML.escape(entry.title))</td>"
            out += "<td><span class=\"badge v-\(verdict.rawValue)\">\(verdict.label)</span></td><td class=\"num\">\(mean)</td>"
            out += "<td>\(flags.joined(separator: " "))</td></tr>\n"
        }
        out += "</tbody></table>\n"
        if listed.count < model.entries.count {
            out += "<p class=\"muted\">And \(unmeasured.count) optimizations with no run yet, from \(commitLink(unmeasured[0].commit)) "
            out += "to \(commitLink(unmeasured[unmeasured.count - 1].commit)): <code>perfjournal status</code> lists them, "
            out += "<code>perfjournal run REV</code> measures one.</p>\n"
        }
        out += "</section>\n"
    }

    /// Beyond this many unmeasured optimizations, the table lists the measured ones only.
    static let unmeasuredListed = 200

    func checklist(_ out: inout String) {
        out += "<section id=\"checklist\">\n<h2>Checklist</h2>\n<ul class=\"checklist\">\n"
        for item in model.checklist.items {
            out += "<li class=\"item \(item.status.rawValue)\"><span class=\"mark\">\(item.status.mark)</span> <strong>\(HTML.escape(item.title))</strong>"
            out += " <span class=\"muted\">\(HTML.escape(item.summary))</span>"
            if !item.evidence.isEmpty {
                out += "<ul>"
                for e in item.evidence.prefix(10) {
                    out +=
                        "<li>" + (e.commit.map { commitLink($0) + " " } ?? "") + HTML.escape(e.subject.isEmpty ? e.reason : "\(e.subject): \(e.reason)")
                        + "</li>"
                }
                if item.evidence.count > 10 { out += "<li class=\"muted\">and \(item.evidence.count - 10) more (perfjournal checklist lists them all)</li>" }
                out += "</ul>"
            }
            out += "</li>\n"
        }
        out += "</ul>\n</section>\n"
    }

    func machines(_ out: inout String) {
        out += "<section id=\"machines\">\n<h2>Machines</h2>\n"
        guard !model.machines.isEmpty else {
            out += "<p class=\"muted\">No runs in this range.</p>\n</section>\n"
            return
        }
        out +=
            "<table><thead><tr><th>id</th><th>host</th><th>CPU</th><th>cores</th><th>memory</th><th>OS</th><th>commits</th><th>runs</th></tr></thead><tbody>\n"
        for m in model.machines {
            let f = m.fingerprint
            out += "<tr\(m.charted ? " class=\"charted\"" : "")><td><code>\(HTML.escape(f.id))</code>\(m.charted ? " (charted)" : "")</td>"
            out += "<td>\(HTML.escape(f.hostname))</td><td>\(HTML.escape(f.cpu))</td><td class=\"num\">\(f.cores)</td>"
            out += "<td class=\"num\">\(f.memoryBytes / (1 << 30)) GiB</td><td>\(HTML.escape(f.os)) \(HTML.escape(f.arch))</td>"
            out += "<td class=\"num\">\(m.commits)</td><td class=\"num\">\(m.runs)</td></tr>\n"
        }
        out += "</tbody></table>\n"
        if model.machines.count > 1 {
            out += "<p class=\"muted\">Runs are only compared on one machine: the charts show the charted machine's runs.</p>\n"
        }
        out += "</section>\n"
    }

    func benchmarks(_ out: inout String) {
        out += "<section id=\"benchmarks\">\n<h2>Benchmarks <span class=\"muted\">(\(model.benchmarks.count))</span></h2>\n"
        out += "<p><label>Filter <input id=\"filter\" type=\"search\" placeholder=\"benchmark name\"></label> "
        out += "<span class=\"muted\">Each dot is a measured commit's run-level value (the 25th percentile of each run's rounds, "
        out += "averaged over its runs) with its 95% interval; the dashed line is the baseline.</span></p>\n"
        out += legend
        // The charts are independent of one another: drawn on every core, written in order.
        for figure in Parallel.map(Array(model.benchmarks.indices), { figure($0) }) { out += figure }
        out += "</section>\n"
    }

    /// Benchmark `i`'s chart with its caption.
    func figure(_ i: Int) -> String {
        let b = model.benchmarks[i]
        var out = ""
        let scale = Self.scale(unit: b.unit, largest: b.points.map(\.high).max() ?? 1)
        let marks = b.points.map { p -> SVGChart.Mark in
            let kind = model.commits[p.commit].entry == nil ? "plain" : "v-" + (p.verdict?.rawValue ?? "none")
            return SVGChart.Mark(commit: p.commit, value: p.value, low: p.low, high: p.high, kind: kind, hollow: p.disturbed)
        }
        var change = ""
        if let base = b.baseline, let last = b.points.last, base > 0 {
            change =
                " <span class=\"muted\">latest \(HTML.escape(Display.value(last.value, unit: b.unit))), \(Display.percentChange(ratio: last.value / base)) against the baseline"
            change += b.direction == .higherIsBetter ? " (higher is better)</span>" : "</span>"
        }
        out += "<figure class=\"bench chart-box\" id=\"bench-\(i)\" data-name=\"\(HTML.escape(b.name))\">"
        out += "<figcaption><h3 class=\"bench-name\">\(HTML.escape(b.name))</h3>\(change)</figcaption>"
        out += SVGChart.render(
            id: String(i), marks: marks, commitCount: model.commits.count, reference: b.baseline, referenceLabel: "baseline",
            format: { Display.significant($0 * scale.factor) + " " + scale.unit }, xLabels: xLabels)
        out += "</figure>\n"
        return out
    }

    func details(_ out: inout String) {
        guard !model.entries.isEmpty else { return }
        out += "<section id=\"details\">\n<h2>The optimizations, one by one</h2>\n"
        for entry in model.entries where entry.measured {
            let verdict = model.verdict(of: entry)
            out += "<article id=\"opt-\(entry.number)\" class=\"entry\"><h3>\(entry.number). \(HTML.escape(entry.title)) "
            out += "<span class=\"badge v-\(verdict.rawValue)\">\(verdict.label)</span></h3>"
            out += "<p class=\"muted\">\(commitLink(entry.commit)) \(HTML.escape(entry.subject))"
            if let reference = entry.reference { out += " · compared with \(commitLink(reference))" }
            out += " · tests: \(entry.tests.rawValue)</p>"
            if !entry.body.isEmpty { out += "<p class=\"body\">\(HTML.escape(entry.body))</p>" }
            for flag in entry.flags { out += "<p class=\"flag-line\"><span class=\"flag\">\(HTML.escape(flag.label))</span> \(HTML.escape(flag.reason))</p>" }
            if let comparison = entry.comparison {
                let moved = comparison.benchmarks.filter { $0.verdict == .improved || $0.verdict == .regressed }
                if !moved.isEmpty {
                    out += "<table><thead><tr><th>benchmark</th><th>change</th><th>95% interval</th><th>verdict</th></tr></thead><tbody>"
                    for b in moved {
                        let ci = b.ci.count == 2 ? "\(Display.percentChange(ratio: b.ci[0])) … \(Display.percentChange(ratio: b.ci[1]))" : "–"
                        out += "<tr><td>\(HTML.escape(b.name))</td><td class=\"num\">\(Display.percentChange(ratio: b.ratio))</td><td class=\"num\">\(ci)</td>"
                        out += "<td><span class=\"badge v-\(b.verdict.rawValue)\">\(b.verdict.rawValue)</span></td></tr>"
                    }
                    out += "</tbody></table>"
                }
                let rest = comparison.benchmarks.count - moved.count
                if rest > 0 { out += "<p class=\"muted\">\(rest) other benchmark\(rest == 1 ? "" : "s") unchanged or inconclusive.</p>" }
            }
            out += "</article>\n"
        }
        out += "</section>\n"
    }

    // MARK: Pieces

    var legend: String {
        let kinds: [(String, String)] = [
            ("v-improved", "improved"), ("v-regressed", "regressed"), ("v-unchanged", "unchanged"), ("v-inconclusive", "inconclusive"),
            ("v-noise", "not beyond noise"), ("plain", "other measured commit"),
        ]
        var out = "<p class=\"legend\">"
        for (kind, label) in kinds {
            out += "<span><svg width=\"14\" height=\"14\" viewBox=\"0 0 14 14\"><path class=\"dot \(kind)\" d=\"M7 7h0\"/></svg>\(label)</span> "
        }
        out +=
            "<span><svg width=\"14\" height=\"14\" viewBox=\"0 0 14 14\"><path class=\"hollow plain\" d=\"M3.5 7a3.5 3.5 0 1 0 7 0a3.5 3.5 0 1 0 -7 0\"/></svg>disturbed run</span> "
        out += "<span><svg width=\"22\" height=\"14\" viewBox=\"0 0 22 14\"><path class=\"baseline\" d=\"M0 7H22\"/></svg>baseline</span></p>\n"
        return out
    }

    var xLabels: (String, String) {
        guard let first = model.commits.first, let last = model.commits.last else { return ("", "") }
        return (String(first.date.prefix(10)), String(last.date.prefix(10)))
    }

    func commitLink(_ hash: String) -> String {
        let short = HTML.escape(String(hash.prefix(7)))
        guard let url = model.commitURL?.link(hash) else { return "<code>\(short)</code>" }
        return "<a class=\"sha\" href=\"\(HTML.escape(url))\"><code>\(short)</code></a>"
    }

    static func scale(unit: String, largest: Double) -> (unit: String, factor: Double) {
        guard unit == "s" else { return (unit, 1) }
        if largest < 1e-6 { return ("ns", 1e9) }
        if largest < 1e-3 { return ("µs", 1e6) }
        if largest < 1 { return ("ms", 1e3) }
        return ("s", 1)
    }

    /// The page's data for the script: commits [short, subject, date, link, entry], and per chart the
    /// commit index (as steps, see `steps`), value, interval, disturbed flag of each dot, and its unit.
    func data(_ out: inout String) {
        out += "{\"layout\":{\"left\":\(SVGChart.left),\"plot\":\(SVGChart.width - SVGChart.left - SVGChart.right),\"width\":\(SVGChart.width)},"
        out += "\"commits\":["
        for (i, c) in model.commits.enumerated() {
            if i > 0 { out += "," }
            let link = model.commitURL.map { HTML.jsonString($0.link(c.hash)) } ?? "null"
            out += "[\(HTML.jsonString(String(c.hash.prefix(7)))),\(HTML.jsonString(c.subject)),\(HTML.jsonString(c.date)),\(link),"
            out += "\(c.entry.map(String.init) ?? "null")]"
        }
        out += "],\"entries\":{"
        for (i, e) in model.entries.enumerated() {
            if i > 0 { out += "," }
            out += "\"\(e.number)\":\(HTML.jsonString(model.verdict(of: e).label))"
        }
        out += "},\"charts\":{"
        out += "\"g\":{\"unit\":\"%\",\"x\":[\(Self.steps(model.geometricMean.map(\.commit)))],"
        out += "\"v\":[\(model.geometricMean.map { HTML.number(($0.ratio - 1) * 100) }.joined(separator: ","))]}"
        for chart in Parallel.map(Array(model.benchmarks.indices), { chartData($0) }) { out += chart }
        out += "}}"
    }

    /// Benchmark `i`'s data for the script (as `,"i":{…}`).
    func chartData(_ i: Int) -> String {
        let b = model.benchmarks[i]
        let scale = Self.scale(unit: b.unit, largest: b.points.map(\.high).max() ?? 1)
        var out = ",\"\(i)\":{\"unit\":\(HTML.jsonString(scale.unit)),\"name\":\(HTML.jsonString(b.name)),"
        out += "\"x\":[\(Self.steps(b.points.map(\.commit)))],"
        out += "\"v\":[\(b.points.map { HTML.number($0.value * scale.factor) }.joined(separator: ","))],"
        out += "\"l\":[\(b.points.map { HTML.number($0.low * scale.factor) }.joined(separator: ","))],"
        out += "\"h\":[\(b.points.map { HTML.number($0.high * scale.factor) }.joined(separator: ","))],"
        out += "\"d\":[\(b.points.enumerated().filter { $0.element.disturbed }.map { String($0.offset) }.joined(separator: ","))]}"
        return out
    }

    /// Ascending commit indexes as the steps between them ("0,1,1,3"): mostly "1", a third of the bytes.
    /// The script adds them up again.
    static func steps(_ indexes: [Int]) -> String {
        var previous = 0
        return indexes.map { index in
            defer { previous = index }
            return String(index - previous)
        }.joined(separator: ",")
    }

    static let css = """
        :root{--fg:#1f2328;--muted:#59636e;--bg:#fff;--line:#d1d9e0;--plain:#0969da;--improved:#1a7f37;--regressed:#cf222e;\
        --unchanged:#818b98;--inconclusive:#bf8700;--noise:#bf8700;--none:#818b98;--unknown:#818b98;--unmeasured:#818b98}
        *{box-sizing:border-box}
        body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
        header,main{max-width:980px;margin:0 auto;padding:0 16px}
        header{padding-top:16px}
        h1{font-size:24px;margin:8px 0}h2{font-size:19px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
        h3{font-size:15px;margin:0}
        nav a{margin-right:12px}a{color:#0969da}
        .muted{color:var(--muted);font-weight:normal}.warn{color:var(--regressed)}
        .big{font-size:16px}.good{color:var(--improved)}.bad{color:var(--regressed)}
        code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
        table{border-collapse:collapse;width:100%;margin:8px 0}th,td{text-align:left;padding:3px 8px;border-bottom:1px solid var(--line);vertical-align:top}
        th{font-weight:600}.num{text-align:right;font-variant-numeric:tabular-nums}
        .badge{display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;color:#fff;background:var(--none);white-space:nowrap}
        .badge.v-improved{background:var(--improved)}.badge.v-regressed{background:var(--regressed)}.badge.v-noise,.badge.v-inconclusive{background:var(--inconclusive)}
        .flag{display:inline-block;padding:0 6px;border:1px solid var(--regressed);color:var(--regressed);border-radius:10px;font-size:12px}
        .checklist{list-style:none;padding:0}.checklist>li{margin:4px 0}.checklist ul{margin:2px 0 6px 24px;padding:0;font-size:13px}
        .item .mark{display:inline-block;width:1.2em;font-weight:bold}.item.pass .mark{color:var(--improved)}.item.fail .mark{color:var(--regressed)}
        .item.pending .mark{color:var(--muted)}
        .chart-box{margin:14px 0}.chart-box figcaption{margin-bottom:2px}
        svg.chart{width:100%;height:auto;display:block;overflow:visible}
        .grid{stroke:#eef1f4;stroke-width:1;fill:none}.tick,.baseline-label{font-size:11px;fill:var(--muted)}
        .baseline{stroke:#59636e;stroke-width:1.2;stroke-dasharray:5 4;fill:none}
        .ci{stroke:#9ab8dc;stroke-width:1.5;fill:none}.line{stroke:#8fb3e0;stroke-width:1;fill:none}
        .dot{stroke-linecap:round;stroke-width:5;fill:none}.dot.plain{stroke-width:4}
        .dot:not(.plain){stroke-width:8}
        .hollow{fill:#fff;stroke-width:1.6}
        .plain{stroke:var(--plain)}.v-improved{stroke:var(--improved)}.v-regressed{stroke:var(--regressed)}.v-unchanged{stroke:var(--unchanged)}
        .v-inconclusive,.v-noise{stroke:var(--inconclusive)}.v-none,.v-unknown,.v-unmeasured{stroke:var(--none)}
        .guide{stroke:#59636e;stroke-width:1;stroke-dasharray:2 3}
        .legend span{margin-right:14px;white-space:nowrap;font-size:12px;color:var(--muted)}.legend svg{vertical-align:-2px;margin-right:4px;overflow:visible}
        .entry,figure.bench{content-visibility:auto;contain-intrinsic-size:auto 240px}
        .entry{margin:16px 0;padding-top:4px}.entry .body{white-space:pre-wrap}.flag-line{margin:2px 0}
        #tip{position:absolute;pointer-events:none;background:#fff;border:1px solid var(--line);border-radius:6px;padding:6px 8px;
        font-size:12px;box-shadow:0 2px 8px rgba(0,0,0,.12);max-width:360px;z-index:10}
        #filter{font:inherit;padding:2px 6px;width:16em}
        """

    /// The tooltip (nearest commit to the pointer), the benchmark filter, and a click to the optimization's
    /// section. It sets `data-ok` on <body> once it has run, and `data-error` when something failed.
    static let script = """
        (function(){
        var body=document.body;
        window.addEventListener('error',function(e){body.setAttribute('data-error',String(e.message||e));});
        try{
        var d=JSON.parse(document.getElementById('report-data').textContent);
        var tip=document.getElementById('tip'),L=d.layout,n=d.commits.length;
        function esc(s){return String(s).replace(/[&<>"']/g,function(c){return '&#'+c.charCodeAt(0)+';';});}
        function fmt(v,u){if(v===null)return '–';var a=Math.abs(v);var t=a>=100?v.toFixed(0):a>=10?v.toFixed(1):a>=1?v.toFixed(2):v.toPrecision(3);
        return u==='%'?(v>=0?'+':'')+t+'%':t+' '+u;}
        function nearest(xs,i){var lo=0,hi=xs.length-1;while(lo<hi){var m=(lo+hi)>>1;if(xs[m]<i)lo=m+1;else hi=m;}
        if(lo>0&&Math.abs(xs[lo-1]-i)<=Math.abs(xs[lo]-i))lo--;return lo;}
        var charts=document.querySelectorAll('svg[data-chart]');
        Array.prototype.forEach.call(charts,function(svg){
        var c=d.charts[svg.getAttribute('data-chart')];if(!c||!c.x.length)return;
        if(!c.sum){for(var j=1;j<c.x.length;j++)c.x[j]+=c.x[j-1];c.sum=1;}
        var guide=svg.querySelector('.guide'),dist={};(c.d||[]).forEach(function(k){dist[k]=1;});
        function at(e){var r=svg.getBoundingClientRect();var x=(e.clientX-r.left)/r.width*L.width;
        var i=n>1?Math.round((x-L.left)/L.plot*(n-1)):0;return nearest(c.x,Math.max(0,Math.min(n-1,i)));}
        svg.addEventListener('mousemove',function(e){var k=at(e),ci=c.x[k],m=d.commits[ci];
        var x=n>1?L.left+ci/(n-1)*L.plot:L.left+L.plot/2;guide.setAttribute('transform','translate('+x+' 0)');guide.setAttribute('visibility','visible');
        var h='<b>'+esc(m[0])+'</b> '+esc(m[1])+'<br><span class="muted">'+esc(m[2])+'</span><br>'+(c.name?esc(c.name)+': ':'geometric mean: ')+fmt(c.v[k],c.unit);
        if(c.l)h+=' <span class="muted">['+fmt(c.l[k],c.unit)+' … '+fmt(c.h[k],c.unit)+']</span>';
        if(m[4]!==null)h+='<br>optimization '+m[4]+': '+esc(d.entries[m[4]]||'');if(dist[k])h+='<br>disturbed run';
        tip.innerHTML=h;tip.hidden=false;tip.style.left=Math.min(e.pageX+14,window.scrollX+document.documentElement.clientWidth-370)+'px';tip.style.top=(e.pageY+14)+'px';});
        svg.addEventListener('mouseleave',function(){tip.hidden=true;guide.setAttribute('visibility','hidden');});
        svg.addEventListener('click',function(e){var m=d.commits[c.x[at(e)]];if(m[4]!==null)location.hash='opt-'+m[4];else if(m[3])location.href=m[3];});
        });
        var filter=document.getElementById('filter');
        if(filter)filter.addEventListener('input',function(){var q=filter.value.toLowerCase();
        Array.prototype.forEach.call(document.querySelectorAll('figure.bench'),function(f){f.hidden=q!==''&&f.getAttribute('data-name').toLowerCase().indexOf(q)<0;});});
        body.setAttribute('data-ok','1');body.setAttribute('data-charts',String(charts.length));
        }catch(err){body.setAttribute('data-error',String(err));}
        })();
        """
}
