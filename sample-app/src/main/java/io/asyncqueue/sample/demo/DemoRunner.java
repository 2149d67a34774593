package io.asyncqueue.sample.demo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.ApplicationContext;
import org.springframework.stereotype.Component;

import io.asyncqueue.sample.SampleProperties;

/**
 * Runs the {@link LoadDriver} once the application has started, when {@code sample.demo.enabled} is true (the
 * {@code demo} profile), prints its report and, with {@code sample.demo.exit} (the default), has the
 * application exit: code 0 when every promise was kept, 1 when not.
 */
@Component
@ConditionalOnBooleanProperty("sample.demo.enabled")
public class DemoRunner implements ApplicationRunner, ExitCodeGenerator {

	private static final Logger log = LoggerFactory.getLogger(DemoRunner.class);

	private final LoadDriver driver;

	private final SampleProperties.Demo demo;

	private volatile LoadReport report;

	public DemoRunner(LoadDriver driver, SampleProperties properties) {
		this.driver = driver;
		this.demo = properties.demo();
	}

	@Override
	public void run(ApplicationArguments args) throws Exception {
		this.report = this.driver.run(this.demo);
		System.out.println(this.report.render());
		System.out.flush();
		if (!this.demo.exit()) {
			log.info("Demo done; the application keeps running (sample.demo.exit=false)");
		}
	}

	@Override
	public int getExitCode() {
		return (this.report != null && this.report.passed()) ? 0 : 1;
	}

	/**
	 * Whether the application should exit now: it ran the demo, and {@code sample.demo.exit} is on.
	 * @param context the started application
	 * @return true to exit
	 */
	public static boolean exitWhenDone(ApplicationContext context) {
		DemoRunner runner = context.getBeanProvider(DemoRunner.class).getIfAvailable();
		return runner != null && runner.report != null && runner.demo.exit();
	}

}
