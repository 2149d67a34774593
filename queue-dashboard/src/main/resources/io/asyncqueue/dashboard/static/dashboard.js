// The dashboard's only script (no inline scripts: the pages' Content Security Policy runs nothing else).
// It draws the charts from the snapshot the page was rendered with, then polls the JSON endpoint and
// updates the counts, the state badges and the charts in place. Every value goes in as text, never as HTML.
(function () {
	'use strict';
	var COUNTS = ['waiting', 'delayed', 'running', 'failed', 'timeout'];
	var SERIES = [
		{},
		{ label: 'processed', stroke: '#2f855a', width: 2 },
		{ label: 'failed', stroke: '#c53030', width: 2 },
		{ label: 'retried', stroke: '#dd6b20', width: 2 },
		{ label: 'failure %', stroke: '#6b46c1', width: 1, dash: [4, 4], scale: '%' }
	];
	var state = { charts: {}, polls: 0, day: null };
	window.asyncQueueDashboard = state;

	function columns(points) {
		var data = [[], [], [], [], []];
		points.forEach(function (p) {
			var settled = p.processed + p.failed + p.retried;
			data[0].push(p.t);
			data[1].push(p.processed);
			data[2].push(p.failed);
			data[3].push(p.retried);
			data[4].push(settled === 0 ? 0 : Math.round(1000 * (p.failed + p.retried) / settled) / 10);
		});
		return data;
	}

	function chart(id, points) {
		var el = document.getElementById(id);
		if (!el) {
			return;
		}
		var options = {
			width: Math.max(el.clientWidth, 320),
			height: 220,
			series: SERIES,
			scales: { x: { time: true }, '%': { range: [0, 100] } },
			axes: [{}, { label: 'jobs' }, { scale: '%', side: 1, label: '%', grid: { show: false } }]
		};
		state.charts[id] = new uPlot(options, columns(points), el);
	}

	// The day's last hour grows with every poll; a new hour shifts the day by one.
	function updateDay(hour) {
		var day = state.day;
		if (!day || hour.length === 0) {
			return;
		}
		var last = day[day.length - 1];
		var now = Math.floor(hour[hour.length - 1].t / 3600) * 3600;
		var current = { t: now, processed: 0, failed: 0, retried: 0 };
		hour.forEach(function (p) {
			if (p.t >= now) {
				current.processed += p.processed;
				current.failed += p.failed;
				current.retried += p.retried;
			}
		});
		if (last.t === now) {
			day[day.length - 1] = current;
		}
		else if (now > last.t) {
			day.shift();
			day.push(current);
		}
	}

	function updateRows(queues) {
		queues.forEach(function (queue) {
			document.querySelectorAll('tr[data-queue]').forEach(function (row) {
				if (row.getAttribute('data-queue') !== queue.name) {
					return;
				}
				COUNTS.forEach(function (name) {
					var cell = row.querySelector('[data-count="' + name + '"]');
					if (cell) {
						cell.textContent = String(queue[name]);
					}
				});
				var badges = row.querySelector('[data-state]');
				if (badges) {
					badges.textContent = '';
					if (queue.paused) {
						badges.appendChild(badge('paused', 'paused'));
					}
					if (queue.pushesClosed) {
						badges.appendChild(badge('closed', 'pushes closed'));
					}
					if (!queue.paused && !queue.pushesClosed) {
						badges.appendChild(badge('ok', 'running'));
					}
				}
			});
		});
	}

	function badge(kind, text) {
		var span = document.createElement('span');
		span.className = 'badge ' + kind;
		span.textContent = text;
		return span;
	}

	function apply(snapshot) {
		updateRows(snapshot.queues);
		updateDay(snapshot.hour);
		if (state.charts['chart-hour']) {
			state.charts['chart-hour'].setData(columns(snapshot.hour));
		}
		if (state.charts['chart-day'] && state.day) {
			state.charts['chart-day'].setData(columns(state.day));
		}
	}

	function poll(api) {
		fetch(api, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
			.then(function (response) {
				if (!response.ok) {
					throw new Error('HTTP ' + response.status);
				}
				return response.json();
			})
			.then(function (snapshot) {
				apply(snapshot);
				state.polls++;
			})
			.catch(function (error) {
				var live = document.getElementById('live');
				if (live) {
					live.textContent = 'Live updates failed: ' + error.message;
					live.className = 'live stopped';
				}
				console.error('async-queue dashboard: live update failed', error);
			});
	}

	document.addEventListener('DOMContentLoaded', function () {
		var api = document.body.getAttribute('data-api');
		var data = document.getElementById('snapshot');
		if (!api || !data) {
			return;
		}
		var snapshot = JSON.parse(data.textContent);
		state.day = snapshot.day;
		chart('chart-hour', snapshot.hour);
		chart('chart-day', snapshot.day);
		var refresh = parseInt(document.body.getAttribute('data-refresh'), 10) || 5000;
		setInterval(function () { poll(api); }, refresh);
	});
}());
