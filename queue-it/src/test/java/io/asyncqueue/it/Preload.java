package io.asyncqueue.it;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads every class of the jars that hold the given classes, up front. The suite's own JVM reads queue-core
 * and queue-test from their modules' {@code target} jars, and loads classes lazily; another build rebuilding
 * those jars in the same tree meanwhile would make a later first use fail with NoClassDefFoundError. (The
 * worker JVMs run from a copy instead, see {@link WorkerProcess#classpath()}.)
 */
final class Preload {

	private Preload() {
	}

	static void jarsOf(Class<?>... anchors) {
		for (Class<?> anchor : anchors) {
			Path location;
			try {
				location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
			}
			catch (URISyntaxException | RuntimeException ex) {
				continue;
			}
			File file = location.toFile();
			if (!file.isFile()) {
				continue; // a classes directory: only rebuilt by a build of that module, which would replace it whole
			}
			try (JarFile jar = new JarFile(file)) {
				Enumeration<JarEntry> entries = jar.entries();
				while (entries.hasMoreElements()) {
					String name = entries.nextElement().getName();
					if (name.endsWith(".class") && !name.contains("-")) {
						try {
							Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false,
									anchor.getClassLoader());
						}
						catch (Throwable ex) {
							// optional dependencies missing (e.g. Testcontainers): not needed here
						}
					}
				}
			}
			catch (IOException ex) {
				// nothing preloaded from this one; lazy loading as usual
			}
		}
	}

}
