package io.asyncqueue.dashboard.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

import io.asyncqueue.dashboard.DashboardSettings;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Serves the dashboard's script and style, and uPlot from its WebJar, under the dashboard's own path, so that
 * they sit with its pages and need no WebJars setup in the application. They are static files with nothing of the
 * queues in them: the sign-in page needs them, so the dashboard's security lets them through unsigned.
 */
@Configuration(proxyBeanMethods = false)
class DashboardAssetsConfiguration {

	private static final String UPLOT_POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";

	@Bean
	WebMvcConfigurer asyncQueueDashboardAssets(DashboardSettings settings) {
		String uplot = "classpath:/META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist/";
		return new WebMvcConfigurer() {

			@Override
			public void addResourceHandlers(ResourceHandlerRegistry registry) {
				registry.addResourceHandler(settings.path() + "/assets/uplot/**").addResourceLocations(uplot);
				registry.addResourceHandler(settings.path() + "/assets/**")
					.addResourceLocations("classpath:/io/asyncqueue/dashboard/static/");
			}

		};
	}

	private static String uplotVersion() {
		try (InputStream in = DashboardAssetsConfiguration.class.getClassLoader().getResourceAsStream(UPLOT_POM)) {
			if (in == null) {
				throw new IllegalStateException("The uplot WebJar is missing from the classpath (no " + UPLOT_POM
						+ "); the dashboard's charts need org.webjars.npm:uplot");
			}
			Properties pom = new Properties();
			pom.load(in);
			return pom.getProperty("version");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
