package prefdyn.cli.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import prefdyn.cli.run.RunDirectory;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;

/** Line charts rendered headless to PNG with XChart, in one consistent style. */
public final class Plots {

    public static final int WIDTH = 600;
    public static final int HEIGHT = 350;

    /** Colour-blind-safe palette (Okabe–Ito), in series order. */
    public static final Color[] PALETTE = {
            new Color(0, 114, 178), new Color(213, 94, 0), new Color(0, 158, 115), new Color(204, 121, 167),
            new Color(230, 159, 0), new Color(86, 180, 233), new Color(0, 0, 0), new Color(240, 228, 66)};

    private Plots() {
    }

    public static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        Styler styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendBorderColor(Color.WHITE);
        styler.setSeriesColors(PALETTE);
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(225, 225, 225));
        chart.getStyler().setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        chart.getStyler().setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        chart.getStyler().setMarkerSize(5);
        return chart;
    }

    /**
     * Adds a line through the finite points of (x, y); returns false (and adds nothing) if none is finite.
     */
    public static boolean line(XYChart chart, String name, double[] x, double[] y, boolean dashed) {
        int n = 0;
        double[] xs = new double[x.length];
        double[] ys = new double[y.length];
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                xs[n] = x[i];
                ys[n] = y[i];
                n++;
            }
        }
        if (n == 0) {
            return false;
        }
        XYSeries series = chart.addSeries(name, Arrays.copyOf(xs, n), Arrays.copyOf(ys, n));
        series.setMarker(SeriesMarkers.CIRCLE);
        if (dashed) {
            series.setLineStyle(SeriesLines.DASH_DASH);
        }
        return true;
    }

    /** A horizontal reference line at {@code y} across [x0, x1], grey and dashed, without a legend entry. */
    public static void horizontal(XYChart chart, String name, double y, double x0, double x1) {
        XYSeries series = chart.addSeries(name, new double[] {x0, x1}, new double[] {y, y});
        series.setMarker(SeriesMarkers.NONE);
        series.setLineStyle(SeriesLines.DASH_DASH);
        series.setLineColor(Color.GRAY);
        series.setShowInLegend(false);
    }

    /** A vertical interval [lower, upper] at x with a marker at the value, in one colour. */
    public static void interval(XYChart chart, String name, double x, double lower, double value, double upper, Color color) {
        XYSeries range = chart.addSeries(name + " (95% CI)", new double[] {x, x}, new double[] {lower, upper});
        range.setMarker(SeriesMarkers.NONE);
        range.setLineColor(color);
        range.setShowInLegend(false);
        XYSeries point = chart.addSeries(name, new double[] {x}, new double[] {value});
        point.setMarker(SeriesMarkers.DIAMOND);
        point.setMarkerColor(color);
        point.setLineColor(color);
    }

    /**
     * A band [lower, upper] over x filled in a light tint of {@code color} (no legend entry), with the value drawn over
     * it as a line in {@code color} (legend: {@code name}). Points whose bounds are not finite are left out of the
     * band, and a band of fewer than two points is not drawn; returns false (and adds nothing) if no value is finite.
     *
     * @param x     [n] positions
     * @param lower [n] lower bounds
     * @param value [n] values (the band's centre line)
     * @param upper [n] upper bounds
     */
    public static boolean band(XYChart chart, String name, double[] x, double[] lower, double[] value, double[] upper,
                               Color color) {
        int n = 0;
        double[] xs = new double[x.length];
        double[] lows = new double[x.length];
        double[] highs = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(x[i]) && Double.isFinite(lower[i]) && Double.isFinite(upper[i])) {
                xs[n] = x[i];
                lows[n] = lower[i];
                highs[n] = upper[i];
                n++;
            }
        }
        boolean anyValue = false;
        for (int i = 0; i < x.length; i++) {
            anyValue |= Double.isFinite(x[i]) && Double.isFinite(value[i]);
        }
        if (!anyValue) {
            return false;
        }
        if (n >= 2) {
            // The outline of the band: along the upper bounds, then back along the lower ones.
            double[] outlineX = new double[2 * n];
            double[] outlineY = new double[2 * n];
            for (int i = 0; i < n; i++) {
                outlineX[i] = xs[i];
                outlineY[i] = highs[i];
                outlineX[2 * n - 1 - i] = xs[i];
                outlineY[2 * n - 1 - i] = lows[i];
            }
            XYSeries area = chart.addSeries(name + " (95% band)", outlineX, outlineY);
            area.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
            area.setMarker(SeriesMarkers.NONE);
            Color tint = new Color(color.getRed(), color.getGreen(), color.getBlue(), 48);
            area.setFillColor(tint);
            area.setLineColor(tint);
            area.setShowInLegend(false);
        }
        line(chart, name, x, value, false);
        XYSeries centre = chart.getSeriesMap().get(name);
        centre.setLineColor(color);
        centre.setMarkerColor(color);
        return true;
    }

    /** Renders the chart and writes it atomically to {@code file}. */
    public static void write(XYChart chart, Path file) {
        try {
            RunDirectory.writeAtomically(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render " + file + ": " + e.getMessage(), e);
        }
    }
}
