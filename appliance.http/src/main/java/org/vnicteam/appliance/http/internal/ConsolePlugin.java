package org.vnicteam.appliance.http.internal;

import java.io.IOException;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The Web Console plugin "VNIC Team" at {@code /system/console/vnicteam}: a plain jakarta Servlet
 * service with {@code felix.webconsole.label}/{@code title} (Web Console 5 wraps its GET output in
 * the console page and protects it with the console's login). {@code .../vnicteam/status.json}
 * (not HTML, so the console passes it through unwrapped) is the status JSON the page refreshes
 * from. No whiteboard pattern: the console alone serves it.
 */
@Component(service = Servlet.class, property = {
        "felix.webconsole.label=" + ConsolePlugin.LABEL,
        "felix.webconsole.title=VNIC Team",
        "felix.webconsole.category=vnicteam" })
public class ConsolePlugin extends HttpServlet {

    static final String LABEL = "vnicteam";
    static final String JSON = "/status.json";

    private static final long serialVersionUID = 1L;

    private final transient StatusCollector collector;

    @Activate
    public ConsolePlugin(@Reference StatusCollector collector) {
        this.collector = collector;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Snapshot s = collector.snapshot();
        if (req.getRequestURI().endsWith("/" + LABEL + JSON)) {
            resp.setHeader("Cache-Control", "no-store");
            StatusServlet.write(resp, "application/json; charset=utf-8", StatusJson.render(s));
            return;
        }
        Object root = req.getAttribute("felix.webconsole.pluginRoot");
        String pluginRoot = root instanceof String r ? r
                : req.getContextPath() + req.getServletPath() + "/" + LABEL;
        resp.getWriter().print(PluginPage.render(s, pluginRoot + JSON));
    }
}
