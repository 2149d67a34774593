package io.asyncqueue.benchmark;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import io.asyncqueue.benchmark.Harness.Figure;

/** A PNG of small bar charts, one per figure, medians per system (plain Java2D, headless). */
final class Chart {

	private static final Map<String, Color> COLORS = Map.of("ours", new Color(0x2E7D32), "ours-no-timeout",
			new Color(0x81C784), "bullmq", new Color(0xC62828), "bullmq-tuned", new Color(0xE57373), "rqueue",
			new Color(0x1565C0), "rqueue-tuned", new Color(0x42A5F5), "rqueue-nohistory", new Color(0x90CAF9), "jobrunr",
			new Color(0x6A1B9A), "jobrunr-tuned", new Color(0xBA68C8));

	private Chart() {
	}

	/** What one panel shows. */
	record Panel(String label, String unit, boolean higherIsBetter, Map<String, Double> medians) {
	}

	static void write(Results results, Path file) throws IOException {
		List<Panel> panels = new java.util.ArrayList<>();
		for (Figure figure : Harness.FIGURES) {
			Map<String, Double> medians = new java.util.LinkedHashMap<>();
			for (String system : results.systems()) {
				medians.put(system, results.median(figure.key(), system));
			}
			panels.add(new Panel(figure.label(), figure.unit(), figure.higherIsBetter(), medians));
		}
		write(panels, results.systems(), file);
	}

	/**
	 * Re-draw the chart of a results.json: {@code java -cp queue-benchmark/target/classes:queue-benchmark/target/lib/*
	 * io.asyncqueue.benchmark.Chart results/results.json results/results.png}.
	 */
	public static void main(String[] args) throws IOException {
		tools.jackson.databind.JsonNode root = tools.jackson.databind.json.JsonMapper.builder().build()
			.readTree(Path.of(args[0]).toFile());
		List<String> systems = new java.util.ArrayList<>();
		root.path("systems").forEach((system) -> systems.add(system.path("id").asString()));
		List<Panel> panels = new java.util.ArrayList<>();
		for (tools.jackson.databind.JsonNode figure : root.path("figures")) {
			Map<String, Double> medians = new java.util.LinkedHashMap<>();
			for (String system : systems) {
				tools.jackson.databind.JsonNode value = figure.path("median").path(system);
				Double median = null;
				if (value.isNumber()) {
					median = value.asDouble();
				}
				else if ("Infinity".equals(value.asString(null))) {
					median = Double.POSITIVE_INFINITY;
				}
				medians.put(system, median);
			}
			panels.add(new Panel(figure.path("label").asString(), figure.path("unit").asString(),
					"higher".equals(figure.path("better").asString()), medians));
		}
		write(panels, systems, Path.of(args[1]));
	}

	static void write(List<Panel> panels, List<String> systems, Path file) throws IOException {
		System.setProperty("java.awt.headless", "true");
		int columns = 4;
		int rows = (panels.size() + columns - 1) / columns;
		int panelW = 420;
		int panelH = 260;
		int legendH = 50;
		BufferedImage image = new BufferedImage(columns * panelW, rows * panelH + legendH, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = image.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
		g.setColor(Color.WHITE);
		g.fillRect(0, 0, image.getWidth(), image.getHeight());
		// legend
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
		int x = 20;
		for (String system : systems) {
			g.setColor(COLORS.getOrDefault(system, Color.GRAY));
			g.fillRect(x, 18, 18, 18);
			g.setColor(Color.BLACK);
			String label = Results.LABELS.getOrDefault(system, system);
			g.drawString(label, x + 24, 33);
			x += 24 + g.getFontMetrics().stringWidth(label) + 30;
		}
		g.setColor(Color.DARK_GRAY);
		g.drawString("medians; (lower) = lower is better; ∞ = saturated", x + 20, 33);
		for (int i = 0; i < panels.size(); i++) {
			int px = (i % columns) * panelW;
			int py = legendH + (i / columns) * panelH;
			panel(g, panels.get(i), systems, px, py, panelW, panelH);
		}
		g.dispose();
		ImageIO.write(image, "png", file.toFile());
	}

	private static void panel(Graphics2D g, Panel figure, List<String> systems, int px, int py, int w, int h) {
		g.setColor(new Color(0xDDDDDD));
		g.setStroke(new BasicStroke(1));
		g.drawRect(px + 5, py + 5, w - 10, h - 10);
		g.setColor(Color.BLACK);
		g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
		String title = figure.label() + " (" + figure.unit() + (figure.higherIsBetter() ? "" : ", lower") + ")";
		drawWrapped(g, title, px + 12, py + 22, w - 24);
		double max = 0;
		for (String system : systems) {
			Double value = figure.medians().get(system);
			if (value != null && !value.isInfinite()) {
				max = Math.max(max, value);
			}
		}
		int top = py + 60;
		int bottom = py + h - 30;
		int barArea = w - 40;
		int barW = Math.min(70, barArea / Math.max(1, systems.size()) - 12);
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
		FontMetrics metrics = g.getFontMetrics();
		for (int s = 0; s < systems.size(); s++) {
			String system = systems.get(s);
			Double value = figure.medians().get(system);
			int bx = px + 25 + s * (barArea / systems.size());
			g.setColor(Color.DARK_GRAY);
			String name = Results.LABELS.getOrDefault(system, system)
				.replace(" (history off)", " off")
				.replace(" (tuned)", "+")
				.replace("async-queue (no handle timeout)", "no timeout");
			g.drawString(name, bx, bottom + 16);
			if (value == null) {
				g.drawString("n/a", bx + 4, bottom - 4);
				continue;
			}
			boolean infinite = value.isInfinite();
			int barH = infinite ? (bottom - top) : (max > 0) ? (int) Math.round((bottom - top) * value / max) : 0;
			g.setColor(COLORS.getOrDefault(system, Color.GRAY));
			if (infinite) {
				for (int y = bottom - barH; y < bottom; y += 6) {
					g.drawLine(bx, y, bx + barW, y);
				}
			}
			else {
				g.fillRect(bx, bottom - barH, barW, barH);
			}
			g.setColor(Color.BLACK);
			String text = Results.format(value, figure.unit());
			g.drawString(text, bx + Math.max(0, (barW - metrics.stringWidth(text)) / 2), bottom - barH - 4);
		}
		g.setColor(Color.GRAY);
		g.drawLine(px + 20, bottom, px + w - 20, bottom);
	}

	private static void drawWrapped(Graphics2D g, String text, int x, int y, int width) {
		FontMetrics metrics = g.getFontMetrics();
		StringBuilder line = new StringBuilder();
		int lineY = y;
		for (String word : text.split(" ")) {
			if (metrics.stringWidth(line + " " + word) > width && line.length() > 0) {
				g.drawString(line.toString(), x, lineY);
				lineY += metrics.getHeight();
				line.setLength(0);
			}
			if (line.length() > 0) {
				line.append(' ');
			}
			line.append(word);
		}
		g.drawString(line.toString(), x, lineY);
	}

}
