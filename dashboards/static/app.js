// PADIS dashboards: draws the charts of a server-rendered page from the
// JSON embedded in <script type="application/json" id="page-data">.
(function () {
  'use strict';
  var lang = document.body.dataset.lang === 'en' ? 'EN' : 'ZH';
  var zh = lang === 'ZH';
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || '';
  function $(id) { return document.getElementById(id); }
  function pageData() {
    var el = $('page-data');
    return el ? JSON.parse(el.textContent) : null;
  }
  function chart(id) {
    var el = $(id);
    if (!el || !window.echarts) return null;
    // The screen redraws into its charts on every refresh.
    var old = echarts.getInstanceByDom(el);
    if (old) return old;
    var c = echarts.init(el, $('screen') ? 'dark' : null, { locale: lang, renderer: 'canvas' });
    if ($('screen')) c.setOption({ backgroundColor: 'transparent' });
    window.addEventListener('resize', function () { c.resize(); });
    return c;
  }
  function fmt(v) {
    if (v === null || v === undefined) return '—';
    return Math.abs(v) >= 1000 ? Math.round(v).toLocaleString() : (Math.round(v * 100) / 100).toString();
  }
  function drill(code) { window.location.href = '/units/' + code; }

  function childrenChart(d) {
    var el = $('children-chart');
    if (!el || !d.children.rows) return;
    var ind = d.children.indicators[0];
    var rows = d.children.rows.map(function (r) { return { code: r.code, name: r.name, value: r.values[0] }; });
    var vals = rows.map(function (r) { return r.value; }).filter(function (v) { return v !== null; });
    var min = Math.min.apply(null, vals), max = Math.max.apply(null, vals);
    // One value only (the nation with one province loaded): a scale from
    // zero, or ECharts colours every region, those without data too.
    if (min === max) min = Math.min(0, min);
    var c = chart('children-chart');
    if (el.dataset.map) {
      fetch(el.dataset.map, { credentials: 'same-origin' }).then(function (r) { return r.json(); }).then(function (geo) {
        // The nation's map is registered as 'china': ECharts then adds the
        // 南海诸岛 (South China Sea islands) inset at the lower right.
        var mapName = d.unit.code === '00' ? 'china' : 'u' + d.unit.code;
        echarts.registerMap(mapName, geo);
        var names = {};
        rows.forEach(function (r) { names[r.code] = r.name; });
        c.setOption({
          animation: false,
          tooltip: { trigger: 'item', formatter: function (p) { return names[p.name] ? names[p.name] + '<br>' + ind.label + ': ' + fmt(p.value) : p.name; } },
          visualMap: { min: min, max: max, left: 'left', bottom: 10, calculable: true, text: [fmt(max), fmt(min)], formatter: function (v) { return fmt(v); }, inRange: { color: ['#e0ecf8', '#7fb0dd', '#1559a8'] } },
          series: [{ type: 'map', map: mapName, nameProperty: 'code', roam: false, selectedMode: false, itemStyle: { areaColor: '#e3e7ed' },
            label: { show: false }, emphasis: { label: { show: true, formatter: function (p) { return names[p.name] || ''; } } },
            // A unit without a value is left out: drawn grey, not coloured.
            data: rows.filter(function (r) { return r.value !== null && r.value !== undefined; }).map(function (r) { return { name: r.code, value: r.value }; }) }]
        });
        c.off('click');
        c.on('click', function (p) { if (names[p.name]) drill(p.name); });
        el.dataset.ready = 'map';
      });
      return;
    }
    var sorted = rows.slice().sort(function (a, b) { return (a.value || 0) - (b.value || 0); }).slice(-40);
    c.setOption({
      animation: false, grid: { left: 120, right: 30, top: 10, bottom: 30 }, tooltip: {},
      xAxis: { type: 'value' }, yAxis: { type: 'category', data: sorted.map(function (r) { return r.name; }) },
      series: [{ type: 'bar', data: sorted.map(function (r) { return { value: r.value, code: r.code }; }), itemStyle: { color: '#1559a8' } }]
    });
    c.off('click');
    c.on('click', function (p) { if (p.data && p.data.code) drill(p.data.code); });
    el.dataset.ready = 'bar';
  }

  // trendChart draws the monthly trends: complete months solid, the
  // provisional months (初步数, still being registered) dashed at their
  // nowcast, joined to the last complete month and labelled 初步.
  function trendChart(d) {
    var c = chart('trend-chart');
    if (!c || !d.trends) return;
    var labels = d.labels || {};
    var periods = d.trends[0].points.map(function (p) { return p.period; });
    var series = [];
    d.trends.forEach(function (t) {
      var axis = t.indicator.id === 'population' ? 1 : 0;
      var firstProv = t.points.findIndex(function (p) { return p.provisional; });
      var solid = t.points.map(function (p, i) { return firstProv < 0 || i < firstProv ? p.value : null; });
      series.push({ name: t.indicator.label, type: 'line', yAxisIndex: axis, showSymbol: false, data: solid });
      if (firstProv < 0) return;
      var dashed = t.points.map(function (p, i) {
        if (i === firstProv - 1) return p.value;
        if (i < firstProv) return null;
        return { value: p.provisional && p.nowcast !== null && p.nowcast !== undefined ? Math.round(p.nowcast) : p.value,
          registered: p.value, provisional: p.provisional };
      });
      series.push({ name: t.indicator.label, type: 'line', yAxisIndex: axis, showSymbol: true, symbol: 'emptyCircle', symbolSize: 6,
        lineStyle: { type: 'dashed' }, data: dashed, id: 'provisional-' + t.indicator.id,
        label: { show: true, position: 'top', fontSize: 11, color: '#8a5a00',
          formatter: function (p) { return p.dataIndex === t.points.length - 1 ? labels.provisional || '' : ''; } } });
    });
    c.setOption({
      animation: false, legend: { top: 0 }, grid: { left: 60, right: 70, top: 30, bottom: 30 },
      tooltip: { trigger: 'axis', formatter: function (ps) {
        var seen = {};
        return ps[0].axisValue + ps.filter(function (p) {
          if (p.value === null || p.value === undefined || seen[p.seriesName]) return false;
          seen[p.seriesName] = true;
          return true;
        }).map(function (p) {
          var s = '<br>' + p.marker + p.seriesName + ': ' + fmt(p.value);
          if (p.data && p.data.provisional) s += ' (' + labels.provisional + ', ' + labels.registered + ' ' + fmt(p.data.registered) + ')';
          return s;
        }).join('');
      } },
      xAxis: { type: 'category', data: periods },
      yAxis: [{ type: 'value' }, { type: 'value', scale: true }],
      series: series
    });
    $('trend-chart').dataset.ready = '1';
  }

  function pyramid(id, ages, male, female) {
    var c = chart(id);
    if (!c) return null;
    var labels = ages.map(function (a, i) { return i === ages.length - 1 ? a + '+' : String(a); });
    c.setOption(pyramidOption(labels, male, female));
    $(id).dataset.ready = '1';
    return c;
  }
  function pyramidOption(labels, male, female) {
    return {
      animation: false, tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: function (ps) {
        return ps[0].name + ': ' + ps.map(function (p) { return p.seriesName + ' ' + fmt(Math.abs(p.value)); }).join(', ');
      } },
      legend: { top: 0 }, grid: { left: 50, right: 20, top: 30, bottom: 30 },
      xAxis: { type: 'value', axisLabel: { formatter: function (v) { return fmt(Math.abs(v)); } } },
      yAxis: { type: 'category', data: labels, axisLabel: { interval: 9 } },
      series: [
        { name: zh ? '男' : 'Male', type: 'bar', stack: 'p', barCategoryGap: 0, data: male.map(function (v) { return -v; }), itemStyle: { color: '#3a7bd5' } },
        { name: zh ? '女' : 'Female', type: 'bar', stack: 'p', barCategoryGap: 0, data: female, itemStyle: { color: '#d5576b' } }
      ]
    };
  }

  function overview(d) {
    childrenChart(d);
    trendChart(d);
    if (d.pyramid) pyramid('pyramid-chart', d.pyramid.ages, d.pyramid.male, d.pyramid.female);
  }

  function explorer(d) {
    var c = chart('explorer-chart');
    if (!c || !d.rows) return;
    var rows = d.rows.filter(function (r) { return r.value.value !== null; })
      .sort(function (a, b) { return a.value.value - b.value.value; }).slice(-50);
    c.setOption({
      animation: false, grid: { left: 140, right: 30, top: 10, bottom: 30 }, tooltip: {},
      xAxis: { type: 'value', scale: true }, yAxis: { type: 'category', data: rows.map(function (r) { return r.name; }) },
      series: [{ type: 'bar', data: rows.map(function (r) { return r.value.value; }), itemStyle: { color: '#1559a8' } },
        { type: 'custom', renderItem: errorBar, data: rows.map(function (r, i) { return [i, r.value.lo, r.value.hi]; }), z: 10 }]
    });
    $('explorer-chart').dataset.ready = '1';
  }
  function errorBar(params, api) {
    var lo = api.value(1), hi = api.value(2);
    if (lo === null || hi === null || isNaN(lo) || isNaN(hi)) return null;
    var a = api.coord([lo, api.value(0)]), b = api.coord([hi, api.value(0)]);
    return { type: 'line', shape: { x1: a[0], y1: a[1], x2: b[0], y2: b[1] }, style: { stroke: '#222', lineWidth: 1 } };
  }

  function panel(d) {
    var el = $('panel-chart');
    if (!el || !d.counties || !window.echarts) return;
    var rows = d.counties.filter(function (r) { return r.value.value !== null; }).sort(function (a, b) { return a.value.value - b.value.value; });
    el.style.height = Math.max(240, rows.length * 16 + 60) + 'px';
    var c = chart('panel-chart');
    var series = [{ type: 'bar', data: rows.map(function (r) { return { value: r.value.value, code: r.code }; }), itemStyle: { color: '#1559a8' } },
      { type: 'custom', renderItem: errorBar, data: rows.map(function (r, i) { return [i, r.value.lo, r.value.hi]; }), z: 10 }];
    if (d.national_estimate && d.national_estimate.value !== null) {
      series[0].markLine = { symbol: 'none', data: [{ xAxis: d.national_estimate.value }], lineStyle: { color: '#c8102e' } };
    }
    c.setOption({ animation: false, grid: { left: 140, right: 30, top: 10, bottom: 30 }, tooltip: {},
      xAxis: { type: 'value', scale: true }, yAxis: { type: 'category', data: rows.map(function (r) { return r.name; }) }, series: series });
    c.on('click', function (p) { if (p.data && p.data.code) drill(p.data.code); });
    $('panel-chart').dataset.ready = '1';
  }

  function projections() {
    var form = $('projection-form');
    if (!form) return;
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var body = { scenarios: [], years: parseInt(form.years.value, 10) || 30, trajectories: parseInt(form.trajectories.value, 10) || 0 };
      form.querySelectorAll('input[name=scenario]:checked').forEach(function (x) { body.scenarios.push(x.value); });
      var tfr = parseFloat(form.custom_tfr.value);
      if (!isNaN(tfr)) body.custom = { name: 'custom TFR ' + tfr, tfr: { kind: 'linear', target: tfr, year: new Date().getFullYear() + 10 } };
      var url = '/api/v1/projections/run?unit=' + encodeURIComponent(form.dataset.unit);
      $('projection-error').hidden = true;
      post(url, body).then(function (res) {
        drawProjection(res);
        var dl = $('projection-download');
        dl.hidden = false;
        dl.onclick = function (e) {
          e.preventDefault();
          fetch(url + '&format=csv', postInit(body)).then(function (r) { return r.blob(); }).then(function (b) {
            var a = document.createElement('a');
            a.href = URL.createObjectURL(b); a.download = 'padis-projection-' + form.dataset.unit + '.csv'; a.click();
          });
        };
      }).catch(function (e) { var el = $('projection-error'); el.textContent = e.message; el.hidden = false; });
    });
  }
  function postInit(body) {
    return { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify(body) };
  }
  function post(url, body) {
    return fetch(url, postInit(body)).then(function (r) {
      return r.json().then(function (j) { if (!r.ok) throw new Error(j.error || r.statusText); return j; });
    });
  }
  var seriesLabels = {
    total: ['总人口', 'total'], age_65_plus: ['65岁及以上', 'aged 65+'], age_80_plus: ['80岁及以上', 'aged 80+'],
    dependency_total: ['总抚养比', 'total dependency'], dependency_child: ['少儿抚养比', 'child dependency'],
    dependency_old_age: ['老年抚养比', 'old-age dependency'], school_6_11: ['6-11岁（小学）', 'aged 6-11 (primary)'],
    school_12_14: ['12-14岁（初中）', 'aged 12-14 (junior secondary)']
  };
  // scenarioLabel is a built-in scenario's label from the form (the
  // translation catalog's, rendered by the server); a custom one's name.
  function scenarioLabel(name) {
    var x = document.querySelector('#projection-form input[name=scenario][value="' + name + '"]');
    return x && x.parentNode ? x.parentNode.textContent.trim() : name;
  }
  function seriesLabel(n) { var l = seriesLabels[n]; return l ? l[zh ? 0 : 1] : n; }
  var projCharts = {};
  function lineChart(id, res, names, bands) {
    var c = projCharts[id] || (projCharts[id] = chart(id));
    var series = [];
    res.runs.forEach(function (run) {
      names.forEach(function (n) {
        series.push({ name: scenarioLabel(run.scenario) + (names.length > 1 ? ' · ' + seriesLabel(n) : ''), type: 'line', showSymbol: false, data: run.series[n] });
      });
    });
    (bands || []).forEach(function (b) {
      if (names.indexOf(b.series) < 0) return;
      series.push({ name: '95%', type: 'line', showSymbol: false, lineStyle: { type: 'dashed', color: '#999' }, data: b.lo95 });
      series.push({ name: '95%', type: 'line', showSymbol: false, lineStyle: { type: 'dashed', color: '#999' }, data: b.hi95 });
    });
    c.setOption({ animation: false, tooltip: { trigger: 'axis' }, legend: { top: 0, type: 'scroll' }, grid: { left: 70, right: 20, top: 40, bottom: 30 },
      xAxis: { type: 'category', data: res.runs[0].years }, yAxis: { type: 'value', scale: true }, series: series }, true);
    $(id).dataset.ready = '1';
  }
  function drawProjection(res) {
    $('projection-results').hidden = false;
    lineChart('proj-total', res, ['total'], res.bands);
    lineChart('proj-dependency', res, ['dependency_total', 'dependency_child', 'dependency_old_age']);
    lineChart('proj-school', { runs: [res.runs[0]] }, ['school_6_11', 'school_12_14', 'age_65_plus', 'age_80_plus']);
    var c = projCharts['proj-pyramid'] || (projCharts['proj-pyramid'] = chart('proj-pyramid'));
    var labels = res.ages.map(function (a, i) { return i === res.ages.length - 1 ? a + '+' : String(a); });
    var opts = res.years.map(function (y, t) {
      var o = pyramidOption(labels, res.male[t], res.female[t]);
      return { series: o.series, title: { text: String(y), right: 10, top: 0 } };
    });
    var base = pyramidOption(labels, res.male[0], res.female[0]);
    base.timeline = { axisType: 'category', data: res.years.map(String), autoPlay: false, playInterval: 400, bottom: 0 };
    base.grid.bottom = 70;
    c.setOption({ baseOption: base, options: opts }, true);
    $('proj-pyramid').dataset.ready = '1';
  }

  function quality() {
    var el = $('quality-trend'), d = pageData();
    if (el && window.echarts && d && d.trend) {
      var pts = d.trend.filter(function (p) { return p.value !== null; });
      var c = chart('quality-trend');
      c.setOption({ animation: false, tooltip: { trigger: 'axis' }, grid: { left: 50, right: 20, top: 20, bottom: 30 },
        xAxis: { type: 'category', data: d.trend.map(function (p) { return p.period; }) },
        yAxis: { type: 'value', min: function (v) { return Math.max(0, Math.floor(v.min - 5)); }, max: 100 },
        series: [{ name: d.label, type: 'line', connectNulls: true, data: d.trend.map(function (p) { return p.value; }), itemStyle: { color: '#1559a8' } }] });
      el.dataset.ready = pts.length ? '1' : 'empty';
    }
    revealDialog();
  }

  // revealDialog asks for the purpose and the reason of a reveal and shows
  // the server's (translated) refusal in the dialog.
  function revealDialog() {
    var dlg = $('reveal-dialog');
    if (!dlg) return;
    var form = dlg.querySelector('form'), err = dlg.querySelector('.error'), tr = null;
    document.querySelectorAll('#worklist button.reveal').forEach(function (b) {
      b.addEventListener('click', function () {
        tr = b.closest('tr');
        dlg.querySelector('.item').textContent = tr.dataset.item;
        err.hidden = true;
        dlg.showModal();
      });
    });
    form.addEventListener('submit', function (ev) {
      if (ev.submitter && ev.submitter.value === 'cancel') return;
      ev.preventDefault();
      var row = tr;
      post('/api/v1/quality/worklist/' + encodeURIComponent(row.dataset.item) + '/reveal',
        { purpose: form.elements.purpose.value, reason: form.elements.reason.value }).then(function (r) {
        row.querySelector('.who').textContent = r.name;
        row.querySelector('.idn').textContent = r.id_number;
        form.reset();
        dlg.close();
      }).catch(function (e) {
        err.textContent = e.message;
        err.hidden = false;
      });
    });
  }

  var levelColours = { red: '#c8102e', orange: '#e07b00', yellow: '#d4a900', blue: '#1f6fd1' };

  // alertChart draws an alert's series (line, 95% band) with the alert's
  // value, its interval or detection bounds, the expected value and the
  // warning line; a grouped alert's children as bars with intervals in
  // their colours against the warning line.
  function alertChart(d) {
    var c = chart('alert-chart');
    if (!c || !d) return;
    var unit = d.unit ? ' ' + d.unit : '';
    // The warning lines: the alert's own, and for a grouped alert those of
    // its children's colours.
    var lines = [], seen = {};
    function addLine(level, v) {
      if (v === undefined || v === null || seen[level + v]) return;
      seen[level + v] = true;
      var name = (d.lineLabels && d.lineLabels[level]) || d.labels.line;
      lines.push({ yAxis: v, name: name, label: { formatter: name + ' ' + fmt(v) + unit, position: 'insideEndTop' },
        lineStyle: { color: levelColours[level] || '#c8102e', type: 'dashed', width: 2 } });
    }
    addLine(d.level, d.line);
    (d.children || []).forEach(function (k) { addLine(k.level, k.line); });
    // The lowest of several lines has its label below it, so that two
    // close lines keep readable labels.
    lines.sort(function (a, b) { return b.yAxis - a.yAxis; });
    if (lines.length > 1) lines[lines.length - 1].label.position = 'insideEndBottom';
    var line = lines;
    // The y range covers every value, interval, expected value and line
    // (ECharts leaves the custom error bars and mark lines out).
    var ys = [d.value, d.lo, d.hi, d.expected].concat(lines.map(function (l) { return l.yAxis; }));
    (d.series || []).forEach(function (p) { ys.push(p.value, p.lo, p.hi); });
    (d.children || []).forEach(function (k) { ys.push(k.value, k.lo, k.hi); });
    ys = ys.filter(function (v) { return v !== undefined && v !== null && !isNaN(v); });
    // Bars start at zero; so does a line whose values lie within one span
    // of zero (a count of 4 against 6 expected must not look like a fall
    // to nothing); otherwise a line's axis spans its data, on round steps.
    var ymin = Math.min.apply(null, ys), ymax = Math.max.apply(null, ys);
    if (ymin > 0 && (d.children || ymin <= ymax - ymin)) ymin = 0;
    if (d.children && ymax < 0) ymax = 0;
    var step = Math.pow(10, Math.floor(Math.log10((ymax - ymin) / 5 || Math.abs(ymax) || 1)));
    step *= (ymax - ymin) / step > 25 ? 5 : (ymax - ymin) / step > 10 ? 2 : 1;
    ymin = Math.floor(ymin / step) * step; ymax = Math.ceil(ymax / step) * step;
    if (ymax === ymin) ymax += step;
    var yAxis = { type: 'value', min: ymin, max: ymax, interval: step, name: d.unit || '', axisLabel: { formatter: fmt } };
    var tip = { trigger: 'axis', valueFormatter: function (v) { return fmt(v) + unit; } };
    if (d.children) {
      var kids = d.children;
      c.setOption({ animation: false, tooltip: tip, grid: { left: 70, right: 30, top: 40, bottom: 60 },
        xAxis: { type: 'category', data: kids.map(function (k) { return k.name; }), axisLabel: { interval: 0, rotate: kids.length > 8 ? 30 : 0 } },
        yAxis: yAxis,
        series: [{ name: d.labels.observed, type: 'bar', barMaxWidth: 48,
          data: kids.map(function (k) { return { value: k.value, id: k.id, itemStyle: { color: levelColours[k.level] || '#1559a8' } }; }),
          markLine: { symbol: 'none', silent: true, data: line } },
        { name: d.labels.interval, type: 'custom', renderItem: vErrorBar, itemStyle: { color: '#333' }, data: kids.map(function (k, i) { return [i, k.lo, k.hi]; }), z: 10 }] });
      c.on('click', function (p) { if (p.data && p.data.id) window.location.href = '/alerts/' + p.data.id; });
      $('alert-chart').dataset.ready = 'children';
      return;
    }
    var s = d.series || [], periods = s.map(function (p) { return p.period; });
    if (periods.indexOf(d.period) < 0) { periods.push(d.period); s = s.concat([{ period: d.period, value: d.value }]); }
    var at = periods.indexOf(d.period);
    var lo = s.map(function (p) { return p.lo === undefined ? null : p.lo; });
    var band = s.map(function (p) { return p.lo === undefined || p.hi === undefined ? null : p.hi - p.lo; });
    var hasBand = band.some(function (v) { return v !== null; });
    var series = hasBand ? [
      { name: d.labels.interval, type: 'line', stack: 'band', symbol: 'none', lineStyle: { opacity: 0 }, itemStyle: { color: '#a9c1de' }, data: lo, tooltip: { show: false } },
      { name: d.labels.interval, type: 'line', stack: 'band', symbol: 'none', lineStyle: { opacity: 0 }, itemStyle: { color: '#a9c1de' }, areaStyle: { color: '#1559a8', opacity: 0.15 }, data: band, tooltip: { show: false } }] : [];
    series = series.concat([
      { name: d.labels.observed, type: 'line', connectNulls: true, data: s.map(function (p) { return p.value; }), itemStyle: { color: '#1559a8' },
        markLine: { symbol: 'none', silent: true, data: line },
        markPoint: { symbol: 'circle', symbolSize: 12, itemStyle: { color: levelColours[d.level] || '#c8102e' }, label: { show: false },
          data: d.value === null || d.value === undefined ? [] : [{ coord: [at, d.value] }] } }]);
    if (d.lo !== undefined && d.hi !== undefined) {
      var lab = d.kind === 'aberration' ? d.labels.bounds : d.labels.interval;
      series.push({ name: lab, type: 'custom', renderItem: vErrorBar, itemStyle: { color: '#333' }, data: [[at, d.lo, d.hi]], z: 10 });
    }
    if (d.expected !== undefined && d.expected !== null) {
      series.push({ name: d.labels.expected, type: 'scatter', symbol: 'diamond', symbolSize: 12, itemStyle: { color: '#333' },
        data: periods.map(function (p, i) { return i === at ? d.expected : null; }) });
    }
    var names = series.map(function (x) { return x.name; });
    c.setOption({ animation: false, tooltip: tip, legend: { top: 0, data: names.filter(function (n, i) { return names.indexOf(n) === i; }) },
      grid: { left: 70, right: 30, top: 50, bottom: 30 }, xAxis: { type: 'category', data: periods }, yAxis: yAxis, series: series });
    $('alert-chart').dataset.ready = 'series';
  }
  // vErrorBar draws a vertical interval [x, lo, hi] on a category x axis.
  function vErrorBar(params, api) {
    if (api.value(1) === null || api.value(2) === null || isNaN(api.value(1))) return null;
    var lo = api.coord([api.value(0), api.value(1)]), hi = api.coord([api.value(0), api.value(2)]), w = 6;
    var st = { stroke: '#333', lineWidth: 1.5 };
    return { type: 'group', children: [
      { type: 'line', shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style: st },
      { type: 'line', shape: { x1: lo[0] - w, y1: lo[1], x2: lo[0] + w, y2: lo[1] }, style: st },
      { type: 'line', shape: { x1: hi[0] - w, y1: hi[1], x2: hi[0] + w, y2: hi[1] }, style: st }] };
  }

  // screen draws the meeting-room screen (数据大屏) from s (dashboards
  // Screen) and fetches it again every s.refresh_seconds, without
  // reloading the page.
  function screen(s) {
    var root = $('screen');
    function el(tag, cls, text) {
      var e = document.createElement(tag);
      if (cls) e.className = cls;
      if (text !== undefined) e.textContent = text;
      return e;
    }
    function draw(s) {
      var figs = $('screen-figures');
      figs.textContent = '';
      (s.figures || []).forEach(function (f) {
        var card = el('div', 'screen-figure' + (f.outside_range ? ' warn' : ''));
        card.dataset.indicator = f.id;
        var label = el('div', 'label', f.label);
        if (f.provisional) label.appendChild(el('span', 'flag provisional', s.labels.provisional));
        if (f.unreliable) label.appendChild(el('span', 'flag unreliable', s.labels.unreliable));
        var v = el('div', 'value', f.value);
        v.appendChild(el('small', '', f.unit));
        card.appendChild(label);
        card.appendChild(v);
        if (f.interval) card.appendChild(el('div', 'ci', s.labels.interval + ' ' + f.interval));
        figs.appendChild(card);
      });
      var inds = s.chart.children && s.chart.children.indicators;
      $('screen-map-indicator').textContent = inds && inds[0] ? inds[0].label : '';
      $('children-chart').dataset.map = s.map || '';
      overview(s.chart);
      var t = $('screen-ticker');
      t.textContent = '';
      if (!s.alerts || !s.alerts.length) t.appendChild(el('span', '', s.labels.none));
      (s.alerts || []).forEach(function (a) {
        var item = el('span');
        item.dataset.alert = a.id;
        item.appendChild(el('b', 'lvl ' + a.level, a.level_label));
        item.appendChild(document.createTextNode(a.unit_name + ' · ' + a.title + ' · ' + a.period));
        t.appendChild(item);
      });
      $('screen-period').textContent = s.period;
      $('screen-updated').textContent = new Date().toLocaleTimeString(zh ? 'zh-CN' : 'en');
      root.dataset.draws = String(Number(root.dataset.draws || 0) + 1);
    }
    draw(s);
    window.setInterval(function () {
      fetch(root.dataset.source, { credentials: 'same-origin' }).then(function (r) {
        return r.ok ? r.json() : null;
      }).then(function (n) { if (n) draw(n); }).catch(function () { /* keep showing the last data */ });
    }, (s.refresh_seconds || 300) * 1000);
  }

  document.addEventListener('DOMContentLoaded', function () {
    var d = pageData();
    if ($('alert-chart')) alertChart(d);
    if ($('screen')) screen(d);
    else if ($('children-chart') || $('trend-chart')) overview(d);
    if ($('explorer-chart')) explorer(d);
    if ($('panel-chart')) panel(d);
    projections();
    quality();
    periodPicker();
  });

  // periodPicker shows the chosen period at once (the form works without
  // script through its button).
  function periodPicker() {
    var sel = $('period-select');
    if (sel) sel.addEventListener('change', function () { $('period-picker').submit(); });
  }
})();
