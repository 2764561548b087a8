"""The real vcluster syncer for every vcluster pod that kwok runs on the local control plane.

kwok marks the chart's pod Running but runs nothing. For each such pod whose syncer image is the version built
here, this supervisor runs the real syncer as the kubelet would have run that container:

* identity: the pod's service account, through a token bound to the pod (TokenRequest, refreshed at 80 % of its
  lifetime) in ``/var/run/secrets/kubernetes.io/serviceaccount`` with the host cluster's CA, and
  ``KUBERNETES_SERVICE_HOST``/``_PORT`` pointing at the host API server (bridged into the namespace);
* configuration: the container's environment (``fieldRef``s resolved from the pod; ``status.podIP`` is the
  address of the vcluster's network namespace, where the process really listens), command and arguments, user,
  group, fsGroup and no_new_privs from its security context;
* volumes at their mount paths: Secrets and ConfigMaps written out, ``emptyDir`` as a private directory, the
  ``data`` claim on the hostPath directory of its bound PersistentVolume, and ``/binaries`` (which the chart's init
  container fills) holding kube-apiserver, kube-controller-manager and kube-scheduler of the local control plane,
  kine and helm;
* network: one namespace per vcluster (see netns.py), so its fixed ports (6443, 8443, 10257, 2381) never clash and
  the host reaches its API server at the namespace's address.

It restarts the syncer when the pod is replaced or the content of the config Secret changes, with a back-off
when the process exits, and stops it and removes its namespace and directories when the pod goes away.
"""

import base64
import contextlib
import fcntl
import hashlib
import ipaddress
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse

import netns
import yaml
from host_identity import own_identity_client
from kubernetes import client, config
from kubernetes.client.rest import ApiException

IDENTITY = "tenancy-vcluster-syncer"
SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
BINARIES_DIR = "/binaries"
DEFAULT_COMMAND = ["/vcluster", "start"]  # the syncer image's ENTRYPOINT (loft-sh/vcluster Dockerfile)
CONTAINER_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
TOKEN_SECONDS = 3600
STOP_GRACE_SECONDS = 15
BACKOFF_MAX_SECONDS = 300
BACKOFF_RESET_SECONDS = 600  # a syncer that ran this long starts its back-off from the beginning again
MACHINE_LOCK = "/run/lock/tenancy-vcluster-netns.lock"
ADDRESS_GRACE_SECONDS = 900  # an address handed out before the vcluster exists is kept this long


class SupervisorError(RuntimeError):
    pass


def now():
    return time.time()


@contextlib.contextmanager
def file_lock(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def write_file(path, data, mode=0o644, uid=None, gid=None):
    """Atomic write (temp file + rename in the same directory, so bind-mounted directories see the new file)."""
    tmp = f"{path}.tmp{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data if isinstance(data, bytes) else data.encode())
    os.chmod(tmp, mode)
    if uid is not None:
        os.chown(tmp, uid, gid if gid is not None else -1)
    os.replace(tmp, path)


def pss_kib(pids):
    """Sum of the proportional set size (Pss, KiB) of PIDS."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError), open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
    return total


def state_tag(state_dir):
    return hashlib.sha1(os.path.abspath(state_dir).encode()).hexdigest()[:4]


# --------------------------------------------------------------------------------------------- addresses
class AddressBook:
    """Which /30 of the address range each vcluster (namespace/name) has; kept in the state dir.

    Handed out before a vcluster exists (``hack/vcluster-syncer address``) so its values can name its address
    (``exportKubeConfig.server``), and kept while the vcluster exists, so a restarted syncer keeps its address.
    """

    def __init__(self, path, namespaces):
        self.path = path
        self.namespaces = namespaces

    def _load(self):
        try:
            with open(self.path) as fh:
                return json.load(fh)
        except (OSError, ValueError):
            return {}

    def _save(self, book):
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        write_file(self.path, json.dumps(book, indent=1, sort_keys=True), mode=0o644)

    def entries(self):
        return self._load()

    def allocate(self, namespace, name):
        """The index of namespace/name's /30, handing out a free one the first time."""
        key = f"{namespace}/{name}"
        with file_lock(MACHINE_LOCK), file_lock(self.path + ".lock"):
            book = self._load()
            if key in book:
                return book[key]["index"]
            taken = {entry["index"] for entry in book.values()}
            host_nets = netns.host_ipv4_networks()
            total = ipaddress.ip_network(self.namespaces.cidr).num_addresses // 4
            start = int(self.namespaces.tag, 16) % total
            for step in range(total):
                index = (start + step) % total
                if index in taken or self.namespaces.exists(index):
                    continue
                candidate = netns.subnet(self.namespaces.cidr, index)
                if any(candidate.overlaps(net) for net in host_nets):
                    continue
                book[key] = {"index": index, "since": int(now())}
                self._save(book)
                return index
        raise SupervisorError(f"no free /30 left in {self.namespaces.cidr}")

    def address(self, namespace, name):
        return netns.addresses(self.namespaces.cidr, self.allocate(namespace, name))[1]

    def forget(self, keep):
        """Drop the entries that KEEP(key, entry) rejects."""
        with file_lock(self.path + ".lock"):
            book = self._load()
            kept = {k: v for k, v in book.items() if keep(k, v)}
            if kept != book:
                self._save(kept)
            return sorted(set(book) - set(kept))


# ---------------------------------------------------------------------------------------------- instances
class Instance:
    """One vcluster's syncer: its pod, network namespace, runtime directory and process."""

    def __init__(self, key, index, runtime_dir):
        self.key = key
        self.index = index
        self.dir = runtime_dir
        self.pod_uid = None
        self.pod_name = None
        self.config_hash = None
        self.proc = None
        self.log_fh = None
        self.bridge = None
        self.started = None
        self.restarts = 0
        self.last_exit = None
        self.not_before = 0.0
        self.token_renew_at = 0.0
        self.uid = self.gid = 0
        self.data_dir = None

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def describe(self, namespaces):
        host_ip, ns_ip = netns.addresses(namespaces.cidr, self.index)
        return {
            "namespace": self.key[0],
            "name": self.key[1],
            "pod": self.pod_name,
            "pod_uid": self.pod_uid,
            "pid": self.proc.pid if self.running() else None,
            "netns": namespaces.name(self.index),
            "address": ns_ip,
            "host_address": host_ip,
            "started": self.started,
            "restarts": self.restarts,
            "last_exit": self.last_exit,
            "log": os.path.join(self.dir, "syncer.log"),
            "data": self.data_dir,
        }


class Supervisor:
    def __init__(self, kubeconfig, state_dir, version, binaries, syncer_binary, cidr, selector, log):
        self.kubeconfig = kubeconfig
        self.state_dir = state_dir
        self.home = os.path.join(state_dir, "vcluster-syncer")
        self.version = version
        self.binaries = binaries
        self.syncer_binary = syncer_binary
        self.selector = selector
        self.log = log
        self.namespaces = netns.Namespaces(state_tag(state_dir), cidr)
        self.book = AddressBook(os.path.join(self.home, "addresses.json"), self.namespaces)
        self.instances = {}
        self._noted = {}
        api = own_identity_client(kubeconfig, IDENTITY, state_dir, os.path.join(self.home, "identity"))
        if api is None:
            config.load_kube_config(config_file=kubeconfig)
            api = client.ApiClient()
        self.core = client.CoreV1Api(api)
        self.api_port, self.ca_pem = self._host_endpoint(kubeconfig)

    # ---------------------------------------------------------------------------------------- host facts
    @staticmethod
    def _host_endpoint(kubeconfig):
        with open(kubeconfig) as fh:
            kc = yaml.safe_load(fh)
        ctx_name = kc.get("current-context") or kc["contexts"][0]["name"]
        ctx = next(c["context"] for c in kc["contexts"] if c["name"] == ctx_name)
        cluster = next(c["cluster"] for c in kc["clusters"] if c["name"] == ctx["cluster"])
        url = urllib.parse.urlsplit(cluster["server"])
        if url.hostname not in ("127.0.0.1", "localhost"):
            raise SupervisorError(
                f"the host API server {cluster['server']} is not on loopback; the supervisor bridges 127.0.0.1 only"
            )
        if cluster.get("certificate-authority-data"):
            ca = base64.b64decode(cluster["certificate-authority-data"])
        else:
            path = cluster["certificate-authority"]
            if not os.path.isabs(path):
                path = os.path.join(os.path.dirname(kubeconfig), path)
            with open(path, "rb") as fh:
                ca = fh.read()
        return url.port or 443, ca

    def note(self, key, msg):
        if self._noted.get(key) != msg:
            self._noted[key] = msg
            self.log(msg)

    def _get(self, fn, *args):
        try:
            return fn(*args)
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise

    # ------------------------------------------------------------------------------------ desired state
    def _syncer_container(self, pod):
        for container in pod.spec.containers:
            if container.name == "syncer":
                return container
        return None

    def desired(self):
        """{(namespace, release): pod} of the vcluster pods to run, and notes about the ones left alone."""
        pods = self.core.list_pod_for_all_namespaces(label_selector=self.selector).items
        wanted = {}
        for pod in sorted(pods, key=lambda p: (p.metadata.namespace, p.metadata.name)):
            release = (pod.metadata.labels or {}).get("release")
            key = (pod.metadata.namespace, release)
            where = f"pod {pod.metadata.namespace}/{pod.metadata.name}"
            if not release or pod.metadata.deletion_timestamp or (pod.status and pod.status.phase) != "Running":
                continue
            container = self._syncer_container(pod)
            if container is None:
                self.note(where, f"{where}: no container named syncer; not a vcluster control plane pod")
                continue
            tag = container.image.rsplit(":", 1)[-1] if ":" in container.image.rsplit("/", 1)[-1] else ""
            if tag.lstrip("v") != self.version:
                self.note(
                    where,
                    f"{where}: image {container.image} is not the syncer built here ({self.version}); left alone",
                )
                continue
            if key in wanted:
                self.note(where, f"{where}: a second control plane pod of {key[0]}/{key[1]}; only one is run")
                continue
            wanted[key] = pod
        return wanted

    # ------------------------------------------------------------------------------------------ volumes
    def _secret_files(self, namespace, name, optional):
        secret = self._get(self.core.read_namespaced_secret, name, namespace)
        if secret is None:
            if optional:
                return {}
            raise SupervisorError(f"Secret {namespace}/{name} (a volume of the pod) does not exist yet")
        return {k: base64.b64decode(v) for k, v in (secret.data or {}).items()}

    def _configmap_files(self, namespace, name, optional):
        cm = self._get(self.core.read_namespaced_config_map, name, namespace)
        if cm is None:
            if optional:
                return {}
            raise SupervisorError(f"ConfigMap {namespace}/{name} (a volume of the pod) does not exist yet")
        files = {k: v.encode() for k, v in (cm.data or {}).items()}
        files.update({k: base64.b64decode(v) for k, v in (cm.binary_data or {}).items()})
        return files

    def _claim_dir(self, namespace, claim):
        pvc = self._get(self.core.read_namespaced_persistent_volume_claim, claim, namespace)
        if pvc is None or not pvc.spec.volume_name:
            raise SupervisorError(f"PersistentVolumeClaim {namespace}/{claim} is not bound yet")
        pv = self.core.read_persistent_volume(pvc.spec.volume_name)
        if not pv.spec.host_path:
            raise SupervisorError(
                f"PersistentVolume {pv.metadata.name} of claim {namespace}/{claim} is not a hostPath volume; "
                "only the local control plane's hostPath provisioner is supported"
            )
        path = pv.spec.host_path.path
        os.makedirs(path, exist_ok=True)
        return path

    def volume_mounts(self, pod, container, inst):
        """[{source, target, readonly}] for the container's volume mounts, preparing each volume on the host."""
        ns = pod.metadata.namespace
        volumes = {v.name: v for v in pod.spec.volumes or []}
        fs_group = (pod.spec.security_context.fs_group if pod.spec.security_context else None) or inst.gid
        mounts, digest = [], hashlib.sha256()
        for vm in container.volume_mounts or []:
            vol = volumes.get(vm.name)
            if vol is None:
                raise SupervisorError(f"volume mount {vm.name} has no volume in the pod spec")
            source = os.path.join(inst.dir, "volumes", vm.name)
            files, mode = None, 0o644
            readonly = bool(vm.read_only)
            if vm.mount_path == BINARIES_DIR:
                source, readonly = self.binaries, True  # filled by the chart's init container in a real pod
            elif vol.empty_dir is not None:
                os.makedirs(source, exist_ok=True)
                os.chmod(source, 0o777)
            elif vol.persistent_volume_claim is not None:
                source = self._claim_dir(ns, vol.persistent_volume_claim.claim_name)
                os.chown(source, inst.uid, fs_group)
                os.chmod(source, 0o2770)
                inst.data_dir = source if vm.mount_path == "/data" else inst.data_dir
            elif vol.secret is not None:
                files = self._secret_files(ns, vol.secret.secret_name, bool(vol.secret.optional))
                mode = vol.secret.default_mode if vol.secret.default_mode is not None else 0o644
            elif vol.config_map is not None:
                files = self._configmap_files(ns, vol.config_map.name, bool(vol.config_map.optional))
                mode = vol.config_map.default_mode if vol.config_map.default_mode is not None else 0o644
            elif vol.projected is not None and vm.mount_path == SA_DIR:
                source, readonly = self.refresh_token(inst, pod), True  # the service account's token, CA, namespace
            else:
                raise SupervisorError(
                    f"volume {vm.name}: only emptyDir, PVC, Secret, ConfigMap and the service account token are "
                    "supported"
                )
            if files is not None:
                shutil.rmtree(source, ignore_errors=True)
                os.makedirs(source)
                for fname, data in sorted(files.items()):
                    write_file(os.path.join(source, fname), data, mode=mode, gid=fs_group, uid=0)
                    digest.update(f"{vm.name}/{fname}\0".encode() + data + b"\0")
            if vm.sub_path:
                source = os.path.join(source, vm.sub_path)
            mounts.append({"source": source, "target": vm.mount_path, "readonly": readonly})
        return mounts, digest.hexdigest()

    def config_hash(self, pod):
        """Hash of the content of the Secrets and ConfigMaps the syncer container mounts (its configuration)."""
        container = self._syncer_container(pod)
        volumes = {v.name: v for v in pod.spec.volumes or []}
        digest = hashlib.sha256()
        for vm in container.volume_mounts or []:
            vol = volumes.get(vm.name)
            if vol is None:
                continue
            if vol.secret is not None:
                files = self._secret_files(pod.metadata.namespace, vol.secret.secret_name, True)
            elif vol.config_map is not None:
                files = self._configmap_files(pod.metadata.namespace, vol.config_map.name, True)
            else:
                continue
            for fname, data in sorted(files.items()):
                digest.update(f"{vm.name}/{fname}\0".encode() + data + b"\0")
        return digest.hexdigest()

    # -------------------------------------------------------------------------------------- environment
    def _field(self, pod, path, pod_ip):
        values = {
            "metadata.name": pod.metadata.name,
            "metadata.namespace": pod.metadata.namespace,
            "metadata.uid": pod.metadata.uid,
            "spec.nodeName": pod.spec.node_name,
            "spec.serviceAccountName": pod.spec.service_account_name,
            "status.podIP": pod_ip,
            "status.podIPs": pod_ip,
            "status.hostIP": pod.status.host_ip,
            "status.hostIPs": pod.status.host_ip,
        }
        if path in values:
            return values[path] or ""
        metadata = (("metadata.labels", pod.metadata.labels), ("metadata.annotations", pod.metadata.annotations))
        for prefix, mapping in metadata:
            if path.startswith(prefix + "['") and path.endswith("']"):
                return (mapping or {}).get(path[len(prefix) + 2 : -2], "")
        raise SupervisorError(f"env fieldRef {path} is not supported")

    def environment(self, pod, container, pod_ip):
        env = {
            "PATH": CONTAINER_PATH,
            "HOSTNAME": pod.metadata.name,
            "KUBERNETES_SERVICE_HOST": "127.0.0.1",
            "KUBERNETES_SERVICE_PORT": str(self.api_port),
            "KUBERNETES_SERVICE_PORT_HTTPS": str(self.api_port),
        }
        ns = pod.metadata.namespace
        for source in container.env_from or []:
            if source.secret_ref is not None:
                files = self._secret_files(ns, source.secret_ref.name, bool(source.secret_ref.optional))
            elif source.config_map_ref is not None:
                files = self._configmap_files(ns, source.config_map_ref.name, bool(source.config_map_ref.optional))
            else:
                continue
            env.update({(source.prefix or "") + k: v.decode() for k, v in files.items()})
        for var in container.env or []:
            if var.value_from is None:
                env[var.name] = var.value or ""
            elif var.value_from.field_ref is not None:
                env[var.name] = self._field(pod, var.value_from.field_ref.field_path, pod_ip)
            elif var.value_from.secret_key_ref is not None:
                ref = var.value_from.secret_key_ref
                env[var.name] = self._secret_files(ns, ref.name, bool(ref.optional)).get(ref.key, b"").decode()
            elif var.value_from.config_map_key_ref is not None:
                ref = var.value_from.config_map_key_ref
                env[var.name] = self._configmap_files(ns, ref.name, bool(ref.optional)).get(ref.key, b"").decode()
            else:
                raise SupervisorError(f"env {var.name}: only value, fieldRef, secretKeyRef, configMapKeyRef")
        env.setdefault("HOME", "/")
        return env

    @staticmethod
    def identity(pod, container):
        psc, csc = pod.spec.security_context, container.security_context

        def pick(attr):
            value = getattr(csc, attr, None) if csc else None
            return value if value is not None else (getattr(psc, attr, None) if psc else None)

        uid, gid = pick("run_as_user") or 0, pick("run_as_group") or 0
        groups = [g for g in ([psc.fs_group] if psc and psc.fs_group else []) + list(
            (psc.supplemental_groups if psc else None) or []) if g is not None]
        no_new_privs = bool(csc and csc.allow_privilege_escalation is False)
        return uid, gid, sorted(set(groups)), no_new_privs

    # ------------------------------------------------------------------------------------- token and files
    def refresh_token(self, inst, pod):
        token = self.core.create_namespaced_service_account_token(
            pod.spec.service_account_name or "default",
            pod.metadata.namespace,
            client.AuthenticationV1TokenRequest(
                spec=client.V1TokenRequestSpec(
                    audiences=[],
                    expiration_seconds=TOKEN_SECONDS,
                    bound_object_ref=client.V1BoundObjectReference(
                        api_version="v1", kind="Pod", name=pod.metadata.name, uid=pod.metadata.uid
                    ),
                )
            ),
        ).status.token
        sa = os.path.join(inst.dir, "serviceaccount")
        os.makedirs(sa, exist_ok=True)
        write_file(os.path.join(sa, "token"), token, mode=0o600, uid=inst.uid, gid=inst.gid)
        write_file(os.path.join(sa, "ca.crt"), self.ca_pem, mode=0o644)
        write_file(os.path.join(sa, "namespace"), pod.metadata.namespace, mode=0o644)
        inst.token_renew_at = now() + 0.8 * TOKEN_SECONDS
        return sa

    def etc_files(self, inst, pod, pod_ip):
        etc = os.path.join(inst.dir, "etc")
        os.makedirs(etc, exist_ok=True)
        hosts = os.path.join(etc, "hosts")
        write_file(
            hosts,
            "# Kubernetes-managed hosts file (hack/vcluster-syncer).\n127.0.0.1\tlocalhost\n"
            f"::1\tlocalhost ip6-localhost ip6-loopback\n{pod_ip}\t{pod.metadata.name}\n",
        )
        # No name server: the namespace has no route out, and every name the syncer needs is an address.
        resolv = os.path.join(etc, "resolv.conf")
        write_file(resolv, "# hack/vcluster-syncer: no DNS in the vcluster's network namespace\nnameserver 127.0.0.1\n")
        return [
            {"source": hosts, "target": "/etc/hosts", "readonly": True, "file": True},
            {"source": resolv, "target": "/etc/resolv.conf", "readonly": True, "file": True},
        ]

    # -------------------------------------------------------------------------------------- start / stop
    def runtime_dir(self, key):
        return os.path.join(self.home, "vclusters", f"{key[0]}_{key[1]}")

    def start(self, key, pod):
        ns, release = key
        inst = self.instances.get(key)
        if inst is None:
            inst = self.instances[key] = Instance(key, self.book.allocate(ns, release), self.runtime_dir(key))
        index = inst.index
        inst.pod_uid, inst.pod_name = pod.metadata.uid, pod.metadata.name
        container = self._syncer_container(pod)
        inst.uid, inst.gid, groups, no_new_privs = self.identity(pod, container)
        os.makedirs(inst.dir, mode=0o700, exist_ok=True)
        os.chmod(inst.dir, 0o700)
        with file_lock(MACHINE_LOCK):
            _host_ip, pod_ip = self.namespaces.create(index)
        if inst.bridge is None:
            inst.bridge = netns.LoopbackBridge(self.namespaces.path(index), self.api_port, self.api_port, self.log)
        mounts, config_hash = self.volume_mounts(pod, container, inst)
        mounts.append({"source": self.syncer_binary, "target": DEFAULT_COMMAND[0], "readonly": True, "file": True})
        mounts += self.etc_files(inst, pod, pod_ip)
        root = os.path.join(inst.dir, "root")
        os.makedirs(root, exist_ok=True)
        command = list(container.command or DEFAULT_COMMAND[:1]) + list(
            container.args if container.args is not None else ([] if container.command else DEFAULT_COMMAND[1:])
        )
        spec = {
            "root": root,
            "mounts": mounts,
            "command": command,
            "env": self.environment(pod, container, pod_ip),
            "workdir": container.working_dir or "/",
            "hostname": pod.metadata.name,
            "uid": inst.uid,
            "gid": inst.gid,
            "groups": groups,
            "no_new_privs": no_new_privs,
            "read_only_root": bool(container.security_context and container.security_context.read_only_root_filesystem),
        }
        spec_path = os.path.join(inst.dir, "spec.json")
        write_file(spec_path, json.dumps(spec, indent=1), mode=0o600)
        log_path = os.path.join(inst.dir, "syncer.log")
        inst.log_fh = open(log_path, "ab")  # noqa: SIM115 - kept open while the process runs
        inst.log_fh.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} starting for pod {pod.metadata.name}\n".encode())
        inst.log_fh.flush()
        sandbox = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pod_sandbox.py")
        cmd = [
            "nsenter", f"--net={self.namespaces.path(index)}", "--",
            "unshare", "--mount", "--uts", "--propagation", "private", "--",
            sys.executable, sandbox, spec_path,
        ]  # fmt: skip
        inst.proc = subprocess.Popen(cmd, stdout=inst.log_fh, stderr=subprocess.STDOUT, start_new_session=True)
        inst.config_hash = config_hash
        inst.started = now()
        self.log(
            f"vcluster {ns}/{release}: started the syncer (pid {inst.proc.pid}) for pod {pod.metadata.name} in "
            f"network namespace {self.namespaces.name(index)} at {pod_ip}, as uid {inst.uid}; log {log_path}"
        )
        return inst

    def _kill_namespace_processes(self, index, sig):
        for pid in self.namespaces.pids(index):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)

    def stop_process(self, inst):
        if inst.proc is not None:
            if inst.proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(inst.proc.pid, signal.SIGTERM)
                try:
                    inst.proc.wait(timeout=STOP_GRACE_SECONDS)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(inst.proc.pid, signal.SIGKILL)
                    inst.proc.wait(timeout=10)
            inst.last_exit = inst.proc.returncode
        # whatever else the syncer started in its namespace (kube-apiserver, kine, ...) goes with it
        deadline = now() + STOP_GRACE_SECONDS
        self._kill_namespace_processes(inst.index, signal.SIGTERM)
        while self.namespaces.pids(inst.index) and now() < deadline:
            time.sleep(0.2)
        self._kill_namespace_processes(inst.index, signal.SIGKILL)
        while self.namespaces.pids(inst.index) and now() < deadline + 5:
            time.sleep(0.1)
        if inst.log_fh is not None:
            inst.log_fh.close()
            inst.log_fh = None
        inst.proc = None

    def remove(self, key, reason):
        inst = self.instances.pop(key)
        self.stop_process(inst)
        if inst.bridge is not None:
            inst.bridge.close()
        with file_lock(MACHINE_LOCK):
            self.namespaces.delete(inst.index)
        volumes = os.path.join(inst.dir, "volumes")
        shutil.rmtree(volumes, ignore_errors=True)
        for sub in ("serviceaccount", "etc", "root", "spec.json"):
            path = os.path.join(inst.dir, sub)
            if os.path.isdir(path):
                shutil.rmtree(path, ignore_errors=True)
            elif os.path.exists(path):
                os.unlink(path)
        where = self.namespaces.name(inst.index)
        self.log(f"vcluster {key[0]}/{key[1]}: {reason}; stopped its syncer and removed {where}")

    # ------------------------------------------------------------------------------------------ reconcile
    def reconcile(self):
        wanted = self.desired()
        for key in list(self.instances):
            pod = wanted.get(key)
            inst = self.instances[key]
            if pod is None:
                self.remove(key, "its pod is gone or no longer Running")
            elif pod.metadata.uid != inst.pod_uid:
                self.remove(key, f"its pod was replaced ({pod.metadata.name})")
        for key, pod in sorted(wanted.items()):
            try:
                self.reconcile_one(key, pod)
            except (SupervisorError, ApiException, OSError, netns.NetnsError) as exc:
                reason = f"{exc.status} {exc.reason}" if isinstance(exc, ApiException) else str(exc)
                self.note(f"{key[0]}/{key[1]}", f"vcluster {key[0]}/{key[1]}: not started: {reason}")
        self.forget_gone_addresses(wanted)
        self.write_status()

    def reconcile_one(self, key, pod):
        inst = self.instances.get(key)
        if inst is None or inst.started is None:  # new, or its start failed (reported) and is tried again
            self.start(key, pod)
            self._noted.pop(f"{key[0]}/{key[1]}", None)
            return
        if self.config_hash(pod) != inst.config_hash:
            self.log(f"vcluster {key[0]}/{key[1]}: its configuration changed; restarting the syncer")
            self.stop_process(inst)
            self.start(key, pod)
            return
        if not inst.running():
            if inst.proc is not None:
                inst.last_exit = inst.proc.returncode
                if now() - inst.started > BACKOFF_RESET_SECONDS:
                    inst.restarts = 0
                delay = min(10 * 2**inst.restarts, BACKOFF_MAX_SECONDS)
                inst.not_before = now() + delay
                self.log(
                    f"vcluster {key[0]}/{key[1]}: the syncer exited with {inst.last_exit}; restarting in {delay}s "
                    f"(log {os.path.join(inst.dir, 'syncer.log')}):\n{self.log_tail(inst)}"
                )
                self.stop_process(inst)
                inst.restarts += 1
            if now() >= inst.not_before:
                self.start(key, pod)
            return
        if inst.token_renew_at and now() >= inst.token_renew_at:
            self.refresh_token(inst, pod)

    @staticmethod
    def log_tail(inst, lines=15):
        try:
            with open(os.path.join(inst.dir, "syncer.log"), errors="replace") as fh:
                return "".join(fh.readlines()[-lines:])
        except OSError:
            return ""

    def forget_gone_addresses(self, wanted):
        active = {f"{ns}/{name}" for ns, name in list(self.instances) + list(wanted)}
        host_namespaces = {n.metadata.name for n in self.core.list_namespace().items}

        def keep(key, entry):
            if key in active:
                return True
            namespace = key.split("/", 1)[0]
            return namespace in host_namespaces or now() - entry.get("since", 0) < ADDRESS_GRACE_SECONDS

        for key in self.book.forget(keep):
            self.log(f"vcluster {key}: its namespace is gone; address released")

    def write_status(self):
        status = {
            "pid": os.getpid(),
            "updated": now(),
            "version": self.version,
            "selector": self.selector,
            "vclusters": [inst.describe(self.namespaces) for inst in self.instances.values()],
        }
        write_file(os.path.join(self.home, "status.json"), json.dumps(status, indent=1, sort_keys=True))

    def sweep(self):
        """Remove namespaces and processes of this owner that no running instance accounts for."""
        known = {inst.index for inst in self.instances.values()}
        for index in self.namespaces.owned():
            if index in known:
                continue
            self._kill_namespace_processes(index, signal.SIGKILL)
            deadline = now() + 10
            while self.namespaces.pids(index) and now() < deadline:
                time.sleep(0.1)
            with file_lock(MACHINE_LOCK):
                self.namespaces.delete(index)
            self.log(f"removed leftover network namespace {self.namespaces.name(index)}")

    def shutdown(self):
        for key in list(self.instances):
            self.remove(key, "the supervisor stops")
        self.write_status()

    def run(self, interval, stop):
        self.sweep()
        self.log(
            f"watching pods {self.selector} for syncer image tag {self.version}; network {self.namespaces.cidr}, "
            f"namespaces vc-{self.namespaces.tag}-*; host API 127.0.0.1:{self.api_port} as {IDENTITY}"
        )
        while not stop.is_set():
            try:
                self.reconcile()
            except ApiException as exc:
                self.note("-", f"error: host API: {exc.status} {exc.reason}")
            except Exception as exc:  # keep supervising; report each distinct error once
                self.note("-", f"error: {type(exc).__name__}: {exc}")
            stop.wait(interval)
        self.shutdown()
        self.log("stopped")


def run_forever(sup, interval):
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    sup.run(interval, stop)
