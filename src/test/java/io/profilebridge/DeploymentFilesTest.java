package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.w3c.dom.Document;

/**
 * deploy/compose.yaml and deploy/kubernetes/ parse, and agree with the code: the image Jib builds (name, working
 * directory, data volume, port, user), the management port and Camel's health paths, and every environment variable
 * and property they set is one config/ defines. Nothing here needs Docker or a cluster.
 */
class DeploymentFilesTest {

    private static final Path DEPLOY = Path.of("deploy");
    private static final String LIVE = "/observe/health/live";
    private static final String READY = "/observe/health/ready";

    private static Properties defaults;
    private static Set<String> knownKeys;
    private static Set<String> knownVariables;
    private static Image image;

    /**
     * What is not heap, measured: ~200 MB with a 96 MB heap (metaspace 61, GC 41, code 21, threads 13). A container's
     * memory limit must leave that and a margin beside a full heap, or the OOM killer acts before the bridge's own
     * out-of-heap exit (deployment audit: 75% of 1 GiB did not).
     */
    private static final long NON_HEAP_ROOM = 384L << 20;

    /** What pom.xml tells Jib to build. */
    record Image(String name, String workingDirectory, String dataVolume, String port, String user, String jvmFlags) {}

    @BeforeAll
    static void readTheCode() throws Exception {
        defaults = properties(Path.of("config/application.properties"));
        knownKeys = new HashSet<>(defaults.stringPropertyNames());
        try (Stream<Path> profiles = Files.list(Path.of("config"))) {
            for (Path profile : profiles.filter(p -> p.getFileName().toString().matches("application-.*\\.properties"))
                    .toList()) {
                knownKeys.addAll(properties(profile).stringPropertyNames());
            }
        }
        knownKeys.add("camel.main.profile");
        knownVariables = new HashSet<>();
        knownKeys.forEach(key -> knownVariables.add(
                key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_')));

        Document pom = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(Path.of("pom.xml").toFile());
        XPath xpath = XPathFactory.newInstance().newXPath();
        String jib =
                "//*[local-name()='plugin'][*[local-name()='artifactId']='jib-maven-plugin']/*[local-name()='configuration']";
        String version = xpath.evaluate("/*[local-name()='project']/*[local-name()='version']", pom);
        image = new Image(
                xpath.evaluate(jib + "/*[local-name()='to']/*[local-name()='image']", pom)
                        .replace("${project.version}", version),
                xpath.evaluate(jib + "//*[local-name()='workingDirectory']", pom),
                xpath.evaluate(jib + "//*[local-name()='volumes']/*[local-name()='volume']", pom),
                xpath.evaluate(jib + "//*[local-name()='ports']/*[local-name()='port']", pom),
                xpath.evaluate(jib + "//*[local-name()='user']", pom),
                xpath.evaluate(jib + "//*[local-name()='jvmFlags']", pom));
    }

    @Test
    void theImageMatchesTheDefaults() {
        assertThat(image.name()).startsWith("profile-bridge:");
        assertThat(image.port()).isEqualTo(managementPort());
        assertThat(image.dataVolume()).isEqualTo(inImage(defaults.getProperty("bridge.data")));
        assertThat(image.user()).as("not root").doesNotStartWith("0").doesNotStartWith("root");
    }

    @Test
    void composeRunsTwoBridgesOnOnePostgresAndOneBroker() throws IOException {
        Map<String, Object> compose = map(yaml(DEPLOY.resolve("compose.yaml")).get(0));
        Map<String, Object> services = map(compose.get("services"));
        assertThat(services).containsKeys("bridge-1", "bridge-2", "postgres", "artemis");
        Set<String> exchangeVolumes = new HashSet<>();
        Set<String> dataVolumes = new HashSet<>();
        Set<String> published = new HashSet<>();
        for (String name : List.of("bridge-1", "bridge-2")) {
            Map<String, Object> bridge = map(services.get(name));
            assertThat(String.valueOf(bridge.get("image"))).endsWith(":-" + image.name() + "}");
            Map<String, Object> environment = map(bridge.get("environment"));
            assertThat(environment.keySet()).as(name + " environment").isSubsetOf(knownVariables);
            assertThat(Path.of("config/application-" + environment.get("CAMEL_MAIN_PROFILE") + ".properties"))
                    .exists();
            assertServiceAddress(
                    services,
                    String.valueOf(environment.get("BRIDGE_STORE_URL")).substring(5),
                    "postgres",
                    5432);
            assertServiceAddress(services, String.valueOf(environment.get("BRIDGE_JMS_BROKER_URL")), "artemis", 61616);

            assertThat(bridge.get("env_file")).isEqualTo(".env");
            Map<String, String> mounts = new LinkedHashMap<>();
            for (Object volume : list(bridge.get("volumes"))) {
                String[] parts = String.valueOf(volume).split(":");
                mounts.put(parts[1], parts[0]);
            }
            assertThat(mounts)
                    .containsKeys(
                            inImage(defaults.getProperty("bridge.inbox")),
                            inImage(defaults.getProperty("bridge.outbox")),
                            image.dataVolume());
            exchangeVolumes.add(mounts.get(inImage(defaults.getProperty("bridge.inbox"))) + "+"
                    + mounts.get(inImage(defaults.getProperty("bridge.outbox"))));
            dataVolumes.add(mounts.get(image.dataVolume()));

            String port = String.valueOf(list(bridge.get("ports")).get(0));
            assertThat(port).endsWith(":" + managementPort());
            published.add(port);
            String healthcheck =
                    String.join(" ", strings(map(bridge.get("healthcheck")).get("test")));
            assertThat(healthcheck)
                    .contains("/dev/tcp/127.0.0.1/" + managementPort())
                    .contains(READY);
            assertThat(seconds(bridge.get("stop_grace_period"))).isGreaterThan(shutdownTimeout());
            // deployment audit: -XX:MaxRAMPercentage=60 of no limit is 60% of the host, for each replica
            assertThat(bridge.get("mem_limit")).as(name + " memory limit").isNotNull();
            assertRoomBesideFullHeap(String.valueOf(bridge.get("mem_limit")), name);

            // deployment audit: a read-only root with a writable /tmp (the JVM's and Vert.x's files, Netty's native
            // library, so exec), no capabilities, no privileges to gain
            assertThat(bridge.get("read_only")).isEqualTo(true);
            assertThat(strings(bridge.get("tmpfs")))
                    .anyMatch(tmpfs -> tmpfs.startsWith("/tmp:")
                            && List.of(tmpfs.split("[:,]")).contains("exec"));
            assertThat(strings(bridge.get("cap_drop"))).containsExactly("ALL");
            assertThat(strings(bridge.get("security_opt"))).contains("no-new-privileges:true");
            assertThat(inImage(String.valueOf(environment.get("BRIDGE_DATA"))))
                    .as("a folder the bridge makes owner-only inside the data volume")
                    .startsWith(image.dataVolume() + "/");
        }
        assertThat(exchangeVolumes).as("one inbox and outbox for both").hasSize(1);
        assertThat(dataVolumes).as("a data folder each").hasSize(2);
        assertThat(published).as("a management port each").hasSize(2);

        Set<String> envFile = properties(DEPLOY.resolve(".env.example")).stringPropertyNames();
        assertThat(envFile).isSubsetOf(knownVariables).contains("OPENPROSPECT_API_KEY", "ORBIT_API_KEY");
        assertThat(String.valueOf(
                        map(map(services.get("postgres")).get("environment")).get("POSTGRES_PASSWORD")))
                .startsWith("${BRIDGE_STORE_PASSWORD:?");
        assertThat(String.valueOf(
                        map(map(services.get("artemis")).get("environment")).get("ARTEMIS_PASSWORD")))
                .startsWith("${BRIDGE_JMS_PASSWORD:?");
        assertThat(envFile).contains("BRIDGE_STORE_PASSWORD", "BRIDGE_JMS_PASSWORD");
        // deployment audit: the broker's one user is its admin; the host publishes it on loopback only
        assertThat(strings(map(services.get("artemis")).get("ports")))
                .isNotEmpty()
                .allMatch(port -> port.startsWith("127.0.0.1:"));
    }

    @Test
    void kubernetesProbesCamelsHealthChecksAndReadsSettingsByReference() throws IOException {
        Map<String, Map<String, Object>> resources = new LinkedHashMap<>();
        Map<String, Object> kustomization =
                map(yaml(DEPLOY.resolve("kubernetes/kustomization.yaml")).get(0));
        for (Object file : list(kustomization.get("resources"))) {
            for (Object document : yaml(DEPLOY.resolve("kubernetes").resolve(String.valueOf(file)))) {
                Map<String, Object> resource = map(document);
                resources.put(
                        resource.get("kind") + "/"
                                + map(resource.get("metadata")).get("name"),
                        resource);
            }
        }
        Map<String, Map<String, String>> secrets = new LinkedHashMap<>();
        for (Object document : yaml(DEPLOY.resolve("kubernetes/secrets.example.yaml"))) {
            Map<String, Object> secret = map(document);
            assertThat(secret.get("kind")).isEqualTo("Secret");
            Map<String, String> data = new LinkedHashMap<>();
            map(secret.get("stringData")).forEach((key, value) -> data.put(key, String.valueOf(value)));
            secrets.put(String.valueOf(map(secret.get("metadata")).get("name")), data);
        }

        Map<String, Object> image = map(list(kustomization.get("images")).get(0));
        assertThat(image.get("name") + ":" + image.get("newTag")).isEqualTo(DeploymentFilesTest.image.name());
        assertThat(map(map(resources.get("Deployment/profile-bridge").get("spec"))
                        .get("strategy")))
                .as("the old release's pods stop before the new release migrates the store (upgrade audit)")
                .containsEntry("type", "Recreate");

        Map<String, Object> pod = map(
                map(map(resources.get("Deployment/profile-bridge").get("spec")).get("template"))
                        .get("spec"));
        Map<String, Object> container = map(list(pod.get("containers")).get(0));
        assertThat(container.get("image")).isEqualTo(image.get("name"));
        assertThat(String.valueOf(map(pod.get("securityContext")).get("runAsUser")))
                .isEqualTo(DeploymentFilesTest.image.user().split(":")[0]);
        assertThat(((Number) pod.get("terminationGracePeriodSeconds")).intValue())
                .isGreaterThan(shutdownTimeout());

        // deployment audit: the "restricted" Pod Security Standard, with a read-only root file system
        Map<String, Object> podSecurity = map(pod.get("securityContext"));
        assertThat(podSecurity.get("runAsNonRoot")).isEqualTo(true);
        assertThat(map(podSecurity.get("seccompProfile"))).containsEntry("type", "RuntimeDefault");
        Map<String, Object> containerSecurity = map(container.get("securityContext"));
        assertThat(containerSecurity)
                .containsEntry("readOnlyRootFilesystem", true)
                .containsEntry("allowPrivilegeEscalation", false);
        assertThat(strings(map(containerSecurity.get("capabilities")).get("drop")))
                .containsExactly("ALL");
        if (String.valueOf(image.get("newTag")).endsWith("-SNAPSHOT")) {
            assertThat(container.get("imagePullPolicy"))
                    .as("a snapshot pushed again under its tag is pulled again (deployment audit)")
                    .isEqualTo("Always");
        }
        // deployment audit: Kubernetes' default timeout (1 s) is what the job store's check alone may take
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            Map<String, Object> settings = map(container.get(probe));
            int timeout = ((Number) settings.get("timeoutSeconds")).intValue();
            assertThat(timeout)
                    .as(probe + " waits longer than the job store's check may take")
                    .isGreaterThan(1);
            assertThat(timeout).as(probe).isLessThanOrEqualTo(((Number) settings.get("periodSeconds")).intValue());
        }
        assertRoomBesideFullHeap(
                String.valueOf(
                        map(map(container.get("resources")).get("limits")).get("memory")),
                "the pod");

        Map<String, Object> port = map(list(container.get("ports")).get(0));
        assertThat(String.valueOf(port.get("containerPort"))).isEqualTo(managementPort());
        assertThat(probe(container, "livenessProbe")).isEqualTo(LIVE + " on " + port.get("name"));
        assertThat(probe(container, "startupProbe")).isEqualTo(LIVE + " on " + port.get("name"));
        assertThat(probe(container, "readinessProbe")).isEqualTo(READY + " on " + port.get("name"));
        Map<String, Object> service = map(
                list(map(resources.get("Service/profile-bridge").get("spec")).get("ports"))
                        .get(0));
        assertThat(String.valueOf(service.get("port"))).isEqualTo(managementPort());
        assertThat(service.get("targetPort")).isEqualTo(port.get("name"));
        // deployment audit: the management port serves /jobs (file names, correlation ids) with no login
        Map<String, Object> policy =
                map(resources.get("NetworkPolicy/profile-bridge-management").get("spec"));
        assertThat(map(policy.get("podSelector")).get("matchLabels"))
                .isEqualTo(map(
                        map(map(map(resources.get("Deployment/profile-bridge").get("spec"))
                                                .get("template"))
                                        .get("metadata"))
                                .get("labels")));
        for (Object rule : list(policy.get("ingress"))) {
            assertThat(list(map(rule).get("ports")))
                    .extracting(allowed -> map(allowed).get("port"))
                    .containsExactly(port.get("name"));
        }

        List<String> variables = new ArrayList<>();
        for (Object entry : list(container.get("env"))) {
            Map<String, Object> variable = map(entry);
            variables.add(String.valueOf(variable.get("name")));
            if (variable.get("valueFrom") != null
                    && map(variable.get("valueFrom")).containsKey("fieldRef")) {
                assertThat(map(map(variable.get("valueFrom")).get("fieldRef")))
                        .as("the pod's own field")
                        .containsEntry("fieldPath", "metadata.name");
            } else if (variable.get("valueFrom") != null) {
                Map<String, Object> reference =
                        map(map(variable.get("valueFrom")).get("secretKeyRef"));
                assertThat(secrets)
                        .as("Secret of " + variable.get("name"))
                        .containsKey(String.valueOf(reference.get("name")));
                assertThat(secrets.get(String.valueOf(reference.get("name"))))
                        .containsKey(String.valueOf(reference.get("key")));
            }
        }
        assertThat(variables)
                .isSubsetOf(knownVariables)
                .contains(
                        "OPENPROSPECT_API_KEY",
                        "ORBIT_API_KEY",
                        "BRIDGE_STORE_URL",
                        "BRIDGE_JMS_BROKER_URL",
                        "BRIDGE_INSTANCE_ID");
        assertThat(Path.of("config/application-" + valueOf(container, "CAMEL_MAIN_PROFILE") + ".properties"))
                .exists();

        Map<String, String> mounts = new LinkedHashMap<>();
        for (Object entry : list(container.get("volumeMounts"))) {
            Map<String, Object> mount = map(entry);
            mounts.put(String.valueOf(mount.get("mountPath")), String.valueOf(mount.get("name")));
        }
        Map<String, Map<String, Object>> volumes = new LinkedHashMap<>();
        for (Object entry : list(pod.get("volumes"))) {
            volumes.put(String.valueOf(map(entry).get("name")), map(entry));
        }
        assertThat(mounts).as("a writable /tmp under the read-only root").containsKey("/tmp");
        assertThat(volumes.get(mounts.get("/tmp"))).containsKey("emptyDir");
        assertThat(mounts)
                .containsEntry(inImage("config"), "config")
                .containsKey(DeploymentFilesTest.image.dataVolume())
                .containsKeys(
                        inImage(defaults.getProperty("bridge.inbox")), inImage(defaults.getProperty("bridge.outbox")));
        // deploy audit: a ConfigMap edited in place reached only the pods that restarted; a generated one is named by
        // a hash of its file, and the Deployment's reference to it is renamed with it, so an edit rolls the pods
        Map<String, Object> generated =
                map(list(kustomization.get("configMapGenerator")).get(0));
        assertThat(generated.get("name"))
                .isEqualTo(
                        volumes.get("config").get("configMap") instanceof Map<?, ?> config ? config.get("name") : null);
        Map<String, Object> configMap = new LinkedHashMap<>();
        for (Object file : list(generated.get("files"))) {
            Path path = DEPLOY.resolve("kubernetes").resolve(String.valueOf(file));
            configMap.put(path.getFileName().toString(), Files.readString(path));
        }
        // deploy audit: mounted as config/application.properties, its keys lost to the packaged profile's file, which
        // is read before it (a takeover-ms set there was silently ignored); the profile's own name is read first
        String profileFile = "application-" + valueOf(container, "CAMEL_MAIN_PROFILE") + ".properties";
        assertThat(configMap).containsOnlyKeys(profileFile);
        Properties overrides = new Properties();
        overrides.load(new java.io.StringReader(String.valueOf(configMap.get(profileFile))));
        assertThat(overrides.stringPropertyNames()).isNotEmpty().isSubsetOf(knownKeys);
        // an emptyDir is rwxrwxrwx: the bridge's own folder inside it is made owner-only, so no warning at each start
        assertThat(volumes.get(mounts.get(DeploymentFilesTest.image.dataVolume())))
                .containsKey("emptyDir");
        assertThat(inImage(overrides.getProperty("bridge.data")))
                .startsWith(DeploymentFilesTest.image.dataVolume() + "/");
        assertThat(resources).containsKey("PersistentVolumeClaim/profile-bridge-exchange");
    }

    // --- reading ---------------------------------------------------------------------------------------------

    private static String managementPort() {
        return defaults.getProperty("camel.management.port");
    }

    /** The image's -XX:MaxRAMPercentage (pom.xml, jib jvmFlags). */
    private static long maxRamPercentage() {
        Matcher flag = Pattern.compile("-XX:MaxRAMPercentage=(\\d+)").matcher(image.jvmFlags());
        assertThat(flag.find()).as("the image sets -XX:MaxRAMPercentage").isTrue();
        return Long.parseLong(flag.group(1));
    }

    /** A Kubernetes memory quantity in Mi or Gi. */
    /** The heap is a share of the container's memory limit: without a limit it is a share of the host's. */
    private static void assertRoomBesideFullHeap(String memoryLimit, String container) {
        long limit = mebibytes(memoryLimit) << 20;
        assertThat(limit - limit * maxRamPercentage() / 100)
                .as("room beside a full heap in the memory limit of " + container)
                .isGreaterThanOrEqualTo(NON_HEAP_ROOM);
    }

    /** A Kubernetes quantity (1Gi, 768Mi) or a Compose byte value (1g, 768m). */
    private static long mebibytes(String quantity) {
        Matcher amount = Pattern.compile("(\\d+)(Gi|g|Mi|m)").matcher(quantity);
        assertThat(amount.matches()).as(quantity).isTrue();
        long number = Long.parseLong(amount.group(1));
        return amount.group(2).toLowerCase(Locale.ROOT).startsWith("g") ? number * 1024 : number;
    }

    private static int shutdownTimeout() {
        return Integer.parseInt(defaults.getProperty("camel.main.shutdown-timeout"));
    }

    /** A default relative folder as the image's working directory resolves it. */
    private static String inImage(String folder) {
        return image.workingDirectory() + "/" + folder;
    }

    private static void assertServiceAddress(Map<String, Object> services, String url, String service, int port) {
        URI address = URI.create(url);
        assertThat(services).containsKey(address.getHost());
        assertThat(address.getHost()).isEqualTo(service);
        assertThat(address.getPort()).isEqualTo(port);
    }

    private static String probe(Map<String, Object> container, String name) {
        Map<String, Object> get = map(map(container.get(name)).get("httpGet"));
        return get.get("path") + " on " + get.get("port");
    }

    private static Object valueOf(Map<String, Object> container, String variable) {
        return list(container.get("env")).stream()
                .map(DeploymentFilesTest::map)
                .filter(entry -> variable.equals(entry.get("name")))
                .findFirst()
                .orElseThrow()
                .get("value");
    }

    private static int seconds(Object duration) {
        return Integer.parseInt(String.valueOf(duration).replace("s", ""));
    }

    private static Properties properties(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
        return properties;
    }

    /** Every document of a YAML file, with Compose's merge keys ({@code <<: *anchor}) applied. */
    private static List<Object> yaml(Path file) throws IOException {
        List<Object> documents = new ArrayList<>();
        new Load(LoadSettings.builder().build())
                .loadAllFromString(Files.readString(file))
                .forEach(document -> documents.add(merged(document)));
        return documents;
    }

    private static Object merged(Object node) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> result = new LinkedHashMap<>();
            if (map.get("<<") instanceof Map<?, ?> base) {
                map(merged(base)).forEach(result::put);
            }
            map.forEach((key, value) -> {
                if (!"<<".equals(key)) {
                    result.put(String.valueOf(key), merged(value));
                }
            });
            return result;
        }
        if (node instanceof List<?> list) {
            return list.stream().map(DeploymentFilesTest::merged).toList();
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        assertThat(node).isInstanceOf(Map.class);
        return (Map<String, Object>) node;
    }

    private static List<?> list(Object node) {
        assertThat(node).isInstanceOf(List.class);
        return (List<?>) node;
    }

    private static List<String> strings(Object node) {
        return list(node).stream().map(String::valueOf).toList();
    }
}
