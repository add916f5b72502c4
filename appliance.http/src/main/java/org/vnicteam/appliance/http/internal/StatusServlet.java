package org.vnicteam.appliance.http.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code GET /vnicteam/status} (JSON, {@link StatusJson}) and {@code GET /vnicteam/metrics}
 * (Prometheus text, {@link PrometheusText}), registered with the OSGi HTTP Whiteboard in its
 * default context. No authentication: the HTTP service listens on 127.0.0.1 unless configured
 * otherwise (docs/appliance.md, "HTTP").
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=" + StatusServlet.STATUS,
        "osgi.http.whiteboard.servlet.pattern=" + StatusServlet.METRICS,
        "osgi.http.whiteboard.servlet.name=vnicteam-status" })
public class StatusServlet extends HttpServlet {

    static final String STATUS = "/vnicteam/status";
    static final String METRICS = "/vnicteam/metrics";

    private static final long serialVersionUID = 1L;

    private final transient StatusCollector collector;

    @Activate
    public StatusServlet(@Reference StatusCollector collector) {
        this.collector = collector;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getServletPath();
        Snapshot s = collector.snapshot();
        resp.setHeader("Cache-Control", "no-store");
        if (METRICS.equals(path)) {
            write(resp, PrometheusText.CONTENT_TYPE, PrometheusText.render(s));
        } else if (STATUS.equals(path)) {
            write(resp, "application/json; charset=utf-8", StatusJson.render(s));
        } else {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }

    static void write(HttpServletResponse resp, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        resp.setContentType(contentType);
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }
}
